import { useState } from 'react';
import { streamChat, type StreamStats } from '../../api/stream';
import { CodeView } from './CodeView';

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

/** Chat with one to three models side by side on the same prompt, streamed. */
export function ChatPanel({ models }: { models: string[] }) {
  const [columns, setColumns] = useState<Column[]>([{ model: models[0] ?? '', running: false }]);
  const [system, setSystem] = useState('');
  const [prompt, setPrompt] = useState('');
  const [imageUrl, setImageUrl] = useState('');
  const [temperature, setTemperature] = useState<string>('');
  const [maxTokens, setMaxTokens] = useState<string>('');
  const [toolsText, setToolsText] = useState('');
  const [formError, setFormError] = useState<string | null>(null);

  const buildBody = (model: string): Record<string, unknown> => {
    const messages: unknown[] = [];
    if (system.trim()) messages.push({ role: 'system', content: system });
    messages.push(
      imageUrl.trim()
        ? { role: 'user', content: [{ type: 'text', text: prompt }, { type: 'image_url', image_url: { url: imageUrl.trim() } }] }
        : { role: 'user', content: prompt },
    );
    const body: Record<string, unknown> = { model, messages };
    if (temperature !== '') body.temperature = Number(temperature);
    if (maxTokens !== '') body.max_tokens = Number(maxTokens);
    if (toolsText.trim()) body.tools = JSON.parse(toolsText);
    return body;
  };

  const send = async () => {
    setFormError(null);
    try {
      if (toolsText.trim()) JSON.parse(toolsText);
    } catch {
      setFormError('Tools must be a JSON array of tool definitions.');
      return;
    }
    setColumns((cols) => cols.map((c) => ({ ...c, running: true, result: undefined, error: undefined })));
    await Promise.all(
      columns.map(async (col, i) => {
        const update = (patch: Partial<Column>) => setColumns((cols) => cols.map((c, j) => (j === i ? { ...c, ...patch } : c)));
        try {
          const result = await streamChat(buildBody(col.model), (s) => update({ result: s }));
          update({ result, running: false });
        } catch (err) {
          update({ error: err instanceof Error ? err.message : String(err), running: false });
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
          <textarea id="pg-prompt" rows={3} required value={prompt} onChange={(e) => setPrompt(e.target.value)} placeholder="Ask something…" />
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
            <label htmlFor="pg-image">Image (URL, or pick a file)</label>
            <input id="pg-image" value={imageUrl.startsWith('data:') ? '(uploaded image)' : imageUrl} onChange={(e) => setImageUrl(e.target.value)} placeholder="https://…" />
            <input type="file" accept="image/*" aria-label="Upload an image" onChange={(e) => onImageFile(e.target.files?.[0])} />
          </div>
        </div>
        <details>
          <summary>Tools</summary>
          <div className="field">
            <label htmlFor="pg-tools">Tool definitions (JSON)</label>
            <textarea id="pg-tools" className="mono" rows={6} value={toolsText} onChange={(e) => setToolsText(e.target.value)} placeholder={EXAMPLE_TOOLS} />
            <button type="button" className="secondary" onClick={() => setToolsText(EXAMPLE_TOOLS)}>
              Insert an example
            </button>
          </div>
        </details>
        <fieldset className="models">
          <legend>Models (up to three, side by side)</legend>
          {columns.map((c, i) => (
            <div key={i} className="model-pick">
              <select aria-label={`Model ${i + 1}`} value={c.model} onChange={(e) => setColumns((cols) => cols.map((x, j) => (j === i ? { ...x, model: e.target.value } : x)))}>
                {models.map((m) => (
                  <option key={m}>{m}</option>
                ))}
              </select>
              {columns.length > 1 && (
                <button type="button" className="secondary" aria-label={`Remove model ${i + 1}`} onClick={() => setColumns((cols) => cols.filter((_, j) => j !== i))}>
                  ×
                </button>
              )}
            </div>
          ))}
          {columns.length < 3 && (
            <button type="button" className="secondary" onClick={() => setColumns((cols) => [...cols, { model: models[cols.length % models.length] ?? '', running: false }])}>
              Compare with another model
            </button>
          )}
        </fieldset>
        {formError && (
          <p className="error-text" role="alert">
            {formError}
          </p>
        )}
        <button type="submit" disabled={!prompt.trim() || columns.some((c) => c.running) || models.length === 0}>
          {columns.some((c) => c.running) ? 'Running…' : 'Send'}
        </button>
        {models.length === 0 && <p className="muted">No chat models are configured yet: add a provider and a model first.</p>}
      </form>
      <div className={`results cols-${columns.length}`}>
        {columns.map((c, i) => (
          <section key={i} className="card result" aria-label={`Answer from ${c.model}`} aria-busy={c.running}>
            <h3>{c.model}</h3>
            {c.error && (
              <p className="error-text" role="alert">
                {c.error}
              </p>
            )}
            {c.result?.reasoning && <pre className="reasoning">{c.result.reasoning}</pre>}
            <div className="answer">{c.result?.text || (c.running ? '…' : !c.error && !c.result?.toolCalls.length ? <span className="muted">No answer yet.</span> : null)}</div>
            {c.result?.toolCalls.map((t, k) => (
              <pre key={k} className="mono tool-call">
                {t.name}({t.arguments})
              </pre>
            ))}
            {c.result?.error && <p className="error-text">Stream ended with an error: {c.result.error}</p>}
            <dl className="stats">
              <dt>Latency</dt>
              <dd>{c.result?.latencyMs !== undefined ? `${c.result.latencyMs.toFixed(0)} ms` : '—'}</dd>
              <dt>First token</dt>
              <dd>{c.result?.ttftMs !== undefined ? `${c.result.ttftMs.toFixed(0)} ms` : '—'}</dd>
              <dt>Tokens</dt>
              <dd>{c.result?.usage ? `${c.result.usage.prompt_tokens} in / ${c.result.usage.completion_tokens} out` : '—'}</dd>
              <dt>Finish</dt>
              <dd>{c.result?.finishReason ?? '—'}</dd>
            </dl>
          </section>
        ))}
      </div>
      {prompt.trim() && <CodeView path="/v1/chat/completions" body={buildBodySafe(buildBody, columns[0]?.model ?? '')} />}
    </div>
  );
}

function buildBodySafe(build: (m: string) => Record<string, unknown>, model: string): Record<string, unknown> {
  try {
    return build(model);
  } catch {
    return { model };
  }
}
