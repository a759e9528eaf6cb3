import http from 'node:http';

/**
 * The floor the gateway is compared with: the least a Node.js proxy must do. It parses the JSON
 * body, forwards it with a pooled keep-alive client, and serializes the answer (streams are
 * relayed chunk by chunk).
 */
const upstream = new URL(process.env.UPSTREAM_URL!);
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
          upRes.pipe(res);
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
