import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

/**
 * Serves the built console (web/dist) at `/`, with index.html for any other GET that is not an
 * API path, so client-side routes survive a reload. Without a build it says how to make one.
 */
export function consoleRoutes(distDir: string): Router {
  const r = Router();
  const index = path.join(distDir, 'index.html');
  if (!existsSync(index)) {
    r.get('/', (_req, res) => {
      res.status(503).type('text/plain').send('The console is not built. Run `npm run build -w @switchyard/web` (npm install does it), then restart.');
    });
    return r;
  }
  r.use(express.static(distDir, { index: false, maxAge: '1h', setHeaders: (res, file) => file.endsWith('.html') && res.setHeader('Cache-Control', 'no-cache') }));
  r.get(/^\/(?!v1\/|v1$|api\/|api$|socket\.io\/|metrics$|healthz$|readyz$).*/, (req, res, next) => {
    if (!req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return r;
}
