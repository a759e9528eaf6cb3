import http from 'node:http';
import type OpenAI from 'openai';
import { ClientCache } from '../../plugins/provider-openai/src/client-cache';
import { createOpenAIClient } from '../../plugins/provider-openai/src/client';
import { readConnection } from '../../plugins/provider-openai/src/settings';

/**
 * The floor for a gateway that must call upstreams through the official openai SDK, as the
 * `openai` provider plugin does: the bare proxy's job (parse, forward, serialize), with the
 * forwarding done by the SDK client the plugin builds (its options, its pooled fetch, its reused
 * headers: client.ts), one client per caller key as the plugin keeps one per credential. Streams
 * are relayed as the bare proxy relays them, byte for byte from the SDK's raw response
 * (`asResponse()`); the plugin, too, reads the event stream itself rather than through the SDK's
 * parser. The gap between this and the bare proxy is what the SDK costs; the gap between it and
 * switchyard is the gateway's own work.
 */
const connection = readConnection({ baseUrl: process.env.UPSTREAM_URL! });
const clients = new ClientCache((apiKey: string) => createOpenAIClient(connection, apiKey));

type ChatParams = OpenAI.Chat.Completions.ChatCompletionCreateParams;

/** Forwards one chat call with the caller's own key, as the bare proxy does. */
async function forward(body: ChatParams, authorization: string, res: http.ServerResponse, signal: AbortSignal): Promise<void> {
  const client = await clients.get(authorization.replace(/^Bearer /i, ''));
  const options = { signal };
  if (body.stream) {
    const upstream = await client.chat.completions.create({ ...body, stream: true }, options).asResponse();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for await (const bytes of upstream.body as unknown as AsyncIterable<Uint8Array>) res.write(bytes);
    res.end();
    return;
  }
  const answer = JSON.stringify(await client.chat.completions.create({ ...body, stream: false }, options));
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
  res.end(answer);
}

const server = http.createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    const controller = new AbortController();
    // As the gateway does: only a client gone before its answer was written aborts the call.
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    forward(JSON.parse(Buffer.concat(parts).toString('utf8')) as ChatParams, req.headers.authorization ?? '', res, controller.signal).catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address() as { port: number };
  process.stdout.write(`READY http://127.0.0.1:${addr.port}/v1\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
