import { useState } from 'react';
import type { PipelineGraph } from '@switchyard/core/pipeline';
import { pipelineApi } from '../../api/pipelines';
import { useAction } from '../../api/use-action';
import { DataTable } from '../../components/DataTable';
import { Checkbox, Field, FormActions, FormError } from '../../components/form';
import { fmtMs } from '../../format';
import type { TestRunResult } from './editor/trace';

function answerText(r: TestRunResult): string {
  const res = r.response as { choices?: Array<{ message?: { content?: string } }>; data?: unknown[] } | undefined;
  if (res?.choices) return res.choices.map((c) => c.message?.content ?? '').join('\n');
  const chunks = (r.stream as { chunks?: Array<{ choices?: Array<{ delta?: { content?: string } }> }> } | undefined)?.chunks;
  if (chunks) return chunks.map((c) => c.choices?.[0]?.delta?.content ?? '').join('');
  if (res?.data) return `${res.data.length} item(s)`;
  return '';
}

/**
 * Runs the graph on the canvas once with a request written here, and hands the result to the
 * editor, which draws the trace over the graph: which path ran, the timings, why a fallback fired.
 */
export function TestRunPanel({ pipelineId, graph, models, result, onResult }: { pipelineId: string; graph: () => PipelineGraph; models: string[]; result: TestRunResult | null; onResult: (r: TestRunResult | null) => void }) {
  const [message, setMessage] = useState('Say hello in five words.');
  const [model, setModel] = useState(models[0] ?? '');
  const [stream, setStream] = useState(false);
  const [useMock, setUseMock] = useState(false);
  const run = useAction();
  return (
    <aside className="side-panel" aria-label="Test run">
      <h2>Test run</h2>
      <p className="muted small">Runs the graph as it is on the canvas (saved or not) with fresh breakers, limits and cache. Real targets are called and billed like any request of yours.</p>
      <form
        className="form"
        onSubmit={async (e) => {
          e.preventDefault();
          const request = { model, messages: [{ role: 'user', content: message }], ...(stream ? { stream: true } : {}) };
          const r = await run.run(() => pipelineApi.testRun(pipelineId, { graph: graph(), request, useMock }));
          if (r) onResult(r);
        }}
      >
        <Field id="tr-model" label="Model in the request">
          <input id="tr-model" list="tr-models" value={model} onChange={(e) => setModel(e.target.value)} required />
          <datalist id="tr-models">
            {models.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        </Field>
        <Field id="tr-message" label="User message">
          <textarea id="tr-message" rows={3} value={message} onChange={(e) => setMessage(e.target.value)} required />
        </Field>
        <Checkbox checked={stream} onChange={setStream}>
          Stream
        </Checkbox>
        <Checkbox checked={useMock} onChange={setUseMock}>
          Mock every target (no upstream calls, no cost)
        </Checkbox>
        <FormError error={run.error} />
        <FormActions busy={run.busy} label="Run" busyLabel="Running…">
          {result && (
            <button type="button" className="secondary" onClick={() => onResult(null)}>
              Clear the trace
            </button>
          )}
        </FormActions>
      </form>
      {result && <RunResult result={result} />}
    </aside>
  );
}

function RunResult({ result }: { result: TestRunResult }) {
  const text = answerText(result);
  return (
    <section aria-label="Result" className="run-result" role="status">
      <p className={`banner ${result.ok ? 'ok' : 'bad'}`}>
        {result.ok ? '✓' : '✗'} {result.status} in {fmtMs(result.durationMs)}
        {result.target ? ` · answered by ${result.target.provider}/${result.target.model}` : result.cacheHit ? ' · from the cache' : ''}
      </p>
      {result.error && <p className="error-text small">{result.error.message}</p>}
      {text && <pre className="tool-call small">{text}</pre>}
      {result.attempts.length > 0 && (
        <>
          <h3>Upstream attempts</h3>
          <ol className="small">
            {result.attempts.map((a, i) => (
              <li key={i}>
                <code>
                  {a.provider}/{a.model}
                </code>{' '}
                via {a.nodeId}: {a.status}
                {a.latencyMs !== undefined ? ` in ${fmtMs(a.latencyMs)}` : ''}
                {a.error ? ` — ${a.error.status} ${a.error.code ?? a.error.type}` : ''}
              </li>
            ))}
          </ol>
        </>
      )}
      <h3>Trace</h3>
      <DataTable
        className="dense trace-table"
        columns={['Node', ['Start', 'num'], ['Took', 'num'], 'What happened']}
        rows={result.trace}
        row={(t, i) => {
          let depth = 0;
          for (let p = t.parent; p !== undefined; p = result.trace[p]?.parent) depth++;
          return (
            <tr key={i}>
              <td className="nowrap">
                <span className="indent" style={{ width: depth * 10 }} />
                <span className={t.status === 'ok' ? 'good-text' : t.status === 'error' ? 'bad-text' : ''}>{t.status === 'ok' ? '✓' : t.status === 'error' ? '✗' : '…'}</span> <code>{t.nodeId}</code>
              </td>
              <td className="num">{Math.round(t.startMs)} ms</td>
              <td className="num">{t.durationMs !== undefined ? `${Math.round(t.durationMs)} ms` : '—'}</td>
              <td className="small">
                {t.decision}
                {t.error && <div className="bad-text">{t.error.status} {t.error.code ?? t.error.type}</div>}
                {t.notes?.map((n, j) => (
                  <div key={j} className="muted">
                    {n}
                  </div>
                ))}
              </td>
            </tr>
          );
        }}
      />
    </section>
  );
}
