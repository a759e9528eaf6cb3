import { useRef, useState } from 'react';
import { streamChat, type StreamStats } from '../../api/stream';
import { FormError } from '../../components/form';
import { errorMessage } from '../../format';
import { CodeView } from './CodeView';
import { ModelSelect } from './ModelSelect';
import { costOf, fmtCost, type PlaygroundModel } from './models';

interface Column {
  model: string;
  result?: StreamStats;
  error?: string;
  running: boolean;
}

const EXAMPLE_TOOLS = `[
  {
    "type": "function",
    "function": {
      "name": "get_weather",
      "description": "Current weather for a city",
      "parameters": { "type": "object", "properties": { "city": { "type": "string" } }, "required": ["city"] }
    }
  }
]`;

function toolsProblem(text: string): string | null {
  if (!text.trim()) return null;
  try {
    const v = JSON.parse(text);
    if (!Array.isArray(v)) return 'Tools must be a JSON array of tool definitions.';
    if (v.some((t) => t?.type !== 'function' || typeof t?.function?.name !== 'string')) return 'Each tool needs "type": "function" and a function name.';
    return null;
  } catch (err) {
    return `Tools are not valid JSON: ${errorMessage(err)}`;
  }
}

/** Chat with one to three models side by side on the same prompt, streamed, with latency, tokens and cost for each. */
export function ChatPanel({ models }: { models: PlaygroundModel[] }) {
  const [columns, setColumns] = useState<Column[]>([{ model: models[0]?.id ?? '', running: false }]);
  const [system, setSystem] = useState('');
  const [prompt, setPrompt] = useState('');
  const [imageUrl, setImageUrl] = useState('');
  const [temperature, setTemperature] = useState('');
  const [maxTokens, setMaxTokens] = useState('');
  const [toolsText, setToolsText] = useState('');
  const aborts = useRef<AbortController[]>([]);
  const problem = toolsProblem(toolsText);
  const running = columns.some((c) => c.running);

  const buildBody = (model: string): Record<string, unknown> => {
    const messages: unknown[] = [];
    if (system.trim()) messages.push({ role: 'system', content: system });
    messages.push(imageUrl.trim() ? { role: 'user', content: [{ type: 'text', text: prompt }, { type: 'image_url', image_url: { url: imageUrl.trim() } }] } : { role: 'user', content: prompt });
    const body: Record<string, unknown> = { model, messages };
    if (temperature !== '') body.temperature = Number(temperature);
    if (maxTokens !== '') body.max_tokens = Number(maxTokens);
    if (toolsText.trim() && !problem) body.tools = JSON.parse(toolsText);
    return body;
  };

  const send = async () => {
    if (problem) return;
    aborts.current = columns.map(() => new AbortController());
    setColumns((cols) => cols.map((c) => ({ ...c, running: true, result: undefined, error: undefined })));
    await Promise.all(
      columns.map(async (col, i) => {
        const update = (patch: Partial<Column>) => setColumns((cols) => cols.map((c, j) => (j === i ? { ...c, ...patch } : c)));
        try {
          const result = await streamChat(buildBody(col.model), (s) => update({ result: s }), aborts.current[i].signal);
          update({ result, running: false });
        } catch (err) {
          update({ error: aborts.current[i].signal.aborted ? 'Stopped.' : errorMessage(err), running: false });
        }
      }),
    );
  };

  const onImageFile = (file: File | undefined) => {
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => setImageUrl(String(reader.result));
    reader.readAsDataURL(file);
  };

  return (
    <div className="playground">
      <form
        className="card form"
        aria-label="Chat request"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <div className="field">
          <label htmlFor="pg-system">System prompt</label>
          <textarea id="pg-system" rows={2} value={system} onChange={(e) => setSystem(e.target.value)} placeholder="You are a helpful assistant." />
        </div>
        <div className="field">
          <label htmlFor="pg-prompt">Message</label>
          <textarea
            id="pg-prompt"
            rows={3}
            required
            value={prompt}
            onChange={(e) => setPrompt(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && prompt.trim() && !running) void send();
            }}
            placeholder="Ask something… (Ctrl+Enter sends)"
          />
        </div>
        <div className="grid-3">
          <div className="field">
            <label htmlFor="pg-temp">Temperature</label>
            <input id="pg-temp" type="number" min={0} max={2} step={0.1} value={temperature} onChange={(e) => setTemperature(e.target.value)} placeholder="default" />
          </div>
          <div className="field">
            <label htmlFor="pg-max">Max tokens</label>
            <input id="pg-max" type="number" min={1} value={maxTokens} onChange={(e) => setMaxTokens(e.target.value)} placeholder="default" />
          </div>
          <div className="field">
            <label htmlFor="pg-image">Image (a URL, or upload one)</label>
            {imageUrl.startsWith('data:') ? (
              <div className="image-preview">
                <img src={imageUrl} alt="The image to send" />
                <button type="button" className="secondary small" onClick={() => setImageUrl('')}>
                  Remove image
                </button>
              </div>
            ) : (
              <>
                <input id="pg-image" type="url" value={imageUrl} onChange={(e) => setImageUrl(e.target.value)} placeholder="https://…" />
                <input type="file" accept="image/*" aria-label="Upload an image" onChange={(e) => onImageFile(e.target.files?.[0])} />
              </>
            )}
          </div>
        </div>
        <details open={Boolean(toolsText)}>
          <summary>Tools{toolsText.trim() && !problem ? ` (${(JSON.parse(toolsText) as unknown[]).length})` : ''}</summary>
          <div className="field">
            <label htmlFor="pg-tools">Tool definitions (JSON, as in OpenAI's API)</label>
            <textarea id="pg-tools" className="mono" rows={6} spellCheck={false} value={toolsText} onChange={(e) => setToolsText(e.target.value)} placeholder={EXAMPLE_TOOLS} aria-invalid={Boolean(problem)} />
            {problem && <small className="error-text">{problem}</small>}
            <div>
              <button type="button" className="secondary small" onClick={() => setToolsText(EXAMPLE_TOOLS)}>
                Insert an example
              </button>
            </div>
          </div>
        </details>
        <fieldset className="models">
          <legend>Models (up to three, side by side)</legend>
          {columns.map((c, i) => (
            <div key={i} className="model-pick">
              <ModelSelect label={`Model ${i + 1}`} models={models} value={c.model} onChange={(m) => setColumns((cols) => cols.map((x, j) => (j === i ? { ...x, model: m } : x)))} />
              {columns.length > 1 && (
                <button type="button" className="secondary" aria-label={`Remove model ${i + 1}`} onClick={() => setColumns((cols) => cols.filter((_, j) => j !== i))}>
                  ×
                </button>
              )}
            </div>
          ))}
          {columns.length < 3 && models.length > 0 && (
            <button type="button" className="secondary" onClick={() => setColumns((cols) => [...cols, { model: models[cols.length % models.length]?.id ?? '', running: false }])}>
              Compare with another model
            </button>
          )}
        </fieldset>
        <div className="form-actions">
          <button type="submit" disabled={!prompt.trim() || running || models.length === 0 || Boolean(problem)}>
            {running ? 'Running…' : 'Send'}
          </button>
          {running && (
            <button type="button" className="secondary" onClick={() => aborts.current.forEach((a) => a.abort())}>
              Stop
            </button>
          )}
        </div>
        {models.length === 0 && <p className="muted">No chat models yet: add a provider and a model (Models & prices), then come back.</p>}
      </form>
      <div className={`results cols-${columns.length}`}>
        {columns.map((c, i) => {
          const m = models.find((x) => x.id === c.model);
          const cost = costOf(m, c.result?.usage);
          return (
            <section key={i} className="card result" aria-label={`Answer from ${c.model}`} aria-busy={c.running}>
              <h3>
                {c.model}
                {m?.kind === 'pipeline' && <span className="tag">pipeline</span>}
              </h3>
              <FormError error={c.error} />
              {c.result?.reasoning && <pre className="reasoning">{c.result.reasoning}</pre>}
              <div className="answer">{c.result?.text || (c.running ? '…' : !c.error && !c.result?.toolCalls.length ? <span className="muted">No answer yet.</span> : null)}</div>
              {c.result?.toolCalls.map((t, k) => (
                <pre key={k} className="mono tool-call">
                  {t.name}({t.arguments})
                </pre>
              ))}
              {c.result?.error && <p className="error-text">The stream ended with an error: {c.result.error}</p>}
              <dl className="stats">
                <div>
                  <dt>Latency</dt>
                  <dd>{c.result?.latencyMs !== undefined ? `${c.result.latencyMs.toFixed(0)} ms` : '—'}</dd>
                </div>
                <div>
                  <dt>First token</dt>
                  <dd>{c.result?.ttftMs !== undefined ? `${c.result.ttftMs.toFixed(0)} ms` : '—'}</dd>
                </div>
                <div>
                  <dt>Tokens in / out</dt>
                  <dd>{c.result?.usage ? `${c.result.usage.prompt_tokens} / ${c.result.usage.completion_tokens}` : '—'}</dd>
                </div>
                <div>
                  <dt>Cost (credits)</dt>
                  <dd title={m?.kind === 'pipeline' ? 'A pipeline is priced by the target that answers; see Analytics.' : m?.pricing ? 'At the list price in /v1/models' : 'This model has no price'}>{fmtCost(cost)}</dd>
                </div>
                <div>
                  <dt>Finish</dt>
                  <dd>{c.result?.finishReason ?? '—'}</dd>
                </div>
              </dl>
            </section>
          );
        })}
      </div>
      {prompt.trim() && <CodeView path="/v1/chat/completions" body={buildBody(columns[0]?.model ?? '')} />}
    </div>
  );
}
