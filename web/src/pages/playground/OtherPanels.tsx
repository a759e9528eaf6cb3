import { useState } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../api/use-action';
import { Field, FormError, SubmitButton } from '../../components/form';
import { CodeView } from './CodeView';
import { ModelSelect } from './ModelSelect';
import type { PlaygroundModel } from './models';

export function ImagesPanel({ models }: { models: PlaygroundModel[] }) {
  const [model, setModel] = useState(models[0]?.id ?? '');
  const [prompt, setPrompt] = useState('');
  const [size, setSize] = useState('1024x1024');
  const [n, setN] = useState(1);
  const [images, setImages] = useState<string[]>([]);
  const generate = useAction();
  const body = { model, prompt, n, size, response_format: 'b64_json' };
  return (
    <div className="playground">
      <form
        className="card form"
        aria-label="Image request"
        onSubmit={async (e) => {
          e.preventDefault();
          await generate.run(async () => {
            const res = await api<{ data: Array<{ b64_json?: string; url?: string }> }>('/v1/images/generations', { method: 'POST', body });
            setImages(res.data.map((d) => (d.b64_json ? `data:image/png;base64,${d.b64_json}` : d.url ?? '')));
          });
        }}
      >
        <div className="grid-3">
          <Field id="img-model" label="Model">
            <ModelSelect id="img-model" label="Model" models={models} value={model} onChange={setModel} />
          </Field>
          <Field id="img-size" label="Size">
            <select id="img-size" value={size} onChange={(e) => setSize(e.target.value)}>
              {['256x256', '512x512', '1024x1024', '1792x1024', '1024x1792'].map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </Field>
          <Field id="img-n" label="Images">
            <input id="img-n" type="number" min={1} max={4} value={n} onChange={(e) => setN(Number(e.target.value))} />
          </Field>
        </div>
        <Field id="img-prompt" label="Prompt">
          <textarea id="img-prompt" rows={3} required value={prompt} onChange={(e) => setPrompt(e.target.value)} />
        </Field>
        <FormError error={generate.error} />
        <SubmitButton busy={generate.busy} disabled={!prompt.trim()} label="Generate" busyLabel="Generating…" />
      </form>
      <div className="image-grid">
        {images.map((src, i) => (
          <img key={i} src={src} alt={`Generated image ${i + 1} for: ${prompt}`} />
        ))}
      </div>
      {prompt.trim() && <CodeView path="/v1/images/generations" body={body} />}
    </div>
  );
}

export function EmbeddingsPanel({ models }: { models: PlaygroundModel[] }) {
  const [model, setModel] = useState(models[0]?.id ?? '');
  const [input, setInput] = useState('');
  const [result, setResult] = useState<{ dims: number; preview: number[]; tokens: number }[] | null>(null);
  const embed = useAction();
  const lines = input.split('\n').filter((l) => l.trim());
  const body = { model, input: lines.length === 1 ? lines[0] : lines, encoding_format: 'float' };
  return (
    <div className="playground">
      <form
        className="card form"
        aria-label="Embeddings request"
        onSubmit={async (e) => {
          e.preventDefault();
          await embed.run(async () => {
            const res = await api<{ data: Array<{ embedding: number[] }>; usage: { prompt_tokens: number } }>('/v1/embeddings', { method: 'POST', body });
            setResult(res.data.map((d) => ({ dims: d.embedding.length, preview: d.embedding.slice(0, 6), tokens: res.usage.prompt_tokens })));
          });
        }}
      >
        <Field id="emb-model" label="Model">
          <ModelSelect id="emb-model" label="Model" models={models} value={model} onChange={setModel} />
        </Field>
        <Field id="emb-input" label="Input (one text per line)">
          <textarea id="emb-input" rows={4} required value={input} onChange={(e) => setInput(e.target.value)} />
        </Field>
        <FormError error={embed.error} />
        <button type="submit" disabled={!lines.length}>
          Embed
        </button>
      </form>
      {result && (
        <section className="card" aria-label="Embeddings">
          <p className="muted">{result[0]?.tokens} prompt tokens</p>
          <ol>
            {result.map((r, i) => (
              <li key={i}>
                {r.dims} dimensions: <code>[{r.preview.map((x) => x.toFixed(4)).join(', ')}, …]</code>
              </li>
            ))}
          </ol>
        </section>
      )}
      {lines.length > 0 && <CodeView path="/v1/embeddings" body={body} />}
    </div>
  );
}
