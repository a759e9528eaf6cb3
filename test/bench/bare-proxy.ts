import http from 'node:http';

/**
 * The floor the gateway is compared with: the least a Node.js proxy must do. It parses the JSON
 * body, forwards it with a pooled keep-alive client, and serializes the answer (streams are
 * relayed chunk by chunk, as bytes).
 *
 * PER_EVENT=1 treats a streamed answer as the JSON one is treated: each event's JSON is parsed and
 * serialized again before it is relayed (what any proxy that reads the chunks must do at least).
 */
const upstream = new URL(process.env.UPSTREAM_URL!);
const perEvent = process.env.PER_EVENT === '1';

/** Relays an event stream, parsing and serializing each `data:` event; the events of one read leave in one write. */
function relayParsed(upRes: http.IncomingMessage, res: http.ServerResponse): void {
  let rest = '';
  upRes.setEncoding('utf8');
  upRes.on('data', (text: string) => {
    const events = (rest + text).split('\n\n');
    rest = events.pop()!;
    let out = '';
    for (const event of events) {
      const data = event.startsWith('data: ') ? event.slice(6) : undefined;
      if (data === undefined) continue;
      out += `data: ${data === '[DONE]' ? data : JSON.stringify(JSON.parse(data))}\n\n`;
    }
    if (out) res.write(out);
  });
  upRes.on('end', () => res.end());
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

const server = http.createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as { stream?: boolean };
    const payload = JSON.stringify(body);
    const up = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: 'POST',
        path: upstream.pathname.replace(/\/$/, '') + req.url!.replace(/^\/v1/, ''),
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: req.headers.authorization ?? '' },
      },
      (upRes) => {
        if (body.stream) {
          res.writeHead(upRes.statusCode ?? 502, { 'content-type': 'text/event-stream' });
          if (perEvent) relayParsed(upRes, res);
          else upRes.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        upRes.on('data', (c: Buffer) => chunks.push(c));
        upRes.on('end', () => {
          const answer = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          res.writeHead(upRes.statusCode ?? 502, { 'content-type': 'application/json' });
          res.end(answer);
        });
      },
    );
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    up.end(payload);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address() as { port: number };
  process.stdout.write(`READY http://127.0.0.1:${addr.port}/v1\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
