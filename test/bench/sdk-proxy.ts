import http from 'node:http';
import OpenAI from 'openai';
import { pooledFetch } from '../../plugins/provider-openai/src/pooled-fetch';

/**
 * The floor for a gateway that must call upstreams through the official openai SDK, as the
 * `openai` provider plugin does: the bare proxy's job (parse, forward, serialize), with the
 * forwarding done by the SDK over the plugin's pooled fetch. Streams are relayed as the bare
 * proxy relays them, byte for byte from the SDK's raw response (`asResponse()`); the plugin, too,
 * reads the event stream itself rather than through the SDK's parser. The gap between this and
 * the bare proxy is what the SDK costs; the gap between it and switchyard is the gateway's own work.
 */
const client = new OpenAI({ apiKey: 'replaced-per-request', baseURL: process.env.UPSTREAM_URL!, fetch: pooledFetch, maxRetries: 0 });

type ChatParams = OpenAI.Chat.Completions.ChatCompletionCreateParams;

/** Forwards one chat call with the caller's own key, as the bare proxy does. */
async function forward(body: ChatParams, authorization: string, res: http.ServerResponse, signal: AbortSignal): Promise<void> {
  const options = { signal, headers: { authorization } };
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
    res.on('close', () => controller.abort());
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
