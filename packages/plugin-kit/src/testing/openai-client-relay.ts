import http from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';

/** A 1x1 PNG, served for vision tests that pass an image by URL. */
export const PROBE_PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/**
 * Serves a provider's output to the official `openai` client, exactly as the gateway would put it
 * on the wire (JSON, or SSE `data:` lines ending with `[DONE]`), and returns what the client
 * parsed. If the official client reads it, real applications will too.
 */
export interface OpenAIClientRelay {
  readonly origin: string;
  /** A URL on this server that answers with PROBE_PNG_BASE64's bytes. */
  readonly probeImageUrl: string;
  chatCompletion(output: unknown): Promise<unknown>;
  chatStream(chunks: unknown[]): Promise<unknown[]>;
  embeddings(output: unknown, encodingFormat: 'float' | 'base64'): Promise<unknown>;
  images(output: unknown): Promise<unknown>;
  close(): Promise<void>;
}

type Staged = { kind: 'json'; body: unknown } | { kind: 'sse'; chunks: unknown[] };

export async function startOpenAIClientRelay(): Promise<OpenAIClientRelay> {
  // Payloads by id, so concurrent calls each get their own.
  const staged = new Map<string, Staged>();
  let nextId = 0;
  const stage = (payload: Staged) => {
    const id = String(++nextId);
    staged.set(id, payload);
    return { headers: { 'x-relay-id': id } };
  };
  const png = Buffer.from(PROBE_PNG_BASE64, 'base64');

  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/probe.png') {
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
        return res.end(png);
      }
      const id = String(req.headers['x-relay-id']);
      const current = staged.get(id);
      staged.delete(id);
      if (!current) {
        res.writeHead(500, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: { message: 'nothing staged', type: 'server_error', param: null, code: null } }));
      }
      if (current.kind === 'json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(current.body));
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const chunk of current.chunks) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new OpenAI({ apiKey: 'relay', baseURL: `${origin}/v1`, maxRetries: 0 });
  const ask = { model: 'relay', messages: [{ role: 'user' as const, content: 'relay' }] };

  return {
    origin,
    probeImageUrl: `${origin}/probe.png`,
    async chatCompletion(output) {
      return client.chat.completions.create(ask, stage({ kind: 'json', body: output }));
    },
    async chatStream(chunks) {
      const stream = await client.chat.completions.create({ ...ask, stream: true }, stage({ kind: 'sse', chunks }));
      const received: unknown[] = [];
      for await (const chunk of stream) received.push(chunk);
      return received;
    },
    async embeddings(output, encodingFormat) {
      return client.embeddings.create({ model: 'relay', input: 'relay', encoding_format: encodingFormat }, stage({ kind: 'json', body: output }));
    },
    async images(output) {
      return client.images.generate({ prompt: 'relay' }, stage({ kind: 'json', body: output }));
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
