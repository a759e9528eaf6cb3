import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from '@switchyard/spec';

/** SWITCHYARD_REQUEST_LOG=false turns the per-request line off (on by default). */
export function requestLogEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SWITCHYARD_REQUEST_LOG !== 'false';
}

/**
 * One log line per request once its response ends (or the client goes away): request id,
 * method, path, status and latency. Never bodies, headers or the query string (keys and
 * tokens can travel there). Listens on the HTTP server, so it sees every request, including
 * ones the app rejects before any route.
 */
export function attachRequestLog(server: Server, logger: Logger): () => void {
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    const method = req.method;
    // Express (which handles the request first) rewrites req.url inside mounted routers; originalUrl keeps it.
    const path = ((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '').split('?')[0];
    let logged = false;
    const done = () => {
      if (logged) return;
      logged = true;
      const id = res.getHeader('x-request-id');
      const fields = {
        requestId: typeof id === 'string' ? id : undefined,
        method,
        path,
        status: res.statusCode,
        latencyMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (res.statusCode >= 500) logger.warn(fields, 'request');
      else logger.info(fields, 'request');
    };
    res.once('finish', done);
    res.once('close', done);
  };
  server.on('request', onRequest);
  return () => server.off('request', onRequest);
}
