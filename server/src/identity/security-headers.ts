import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * Security headers. The console and /api get helmet's full set: a CSP that allows only our own
 * scripts (images may also come from data:/blob:/https: for the playground's generated images),
 * no framing, no MIME sniffing, HSTS (ignored by browsers over plain HTTP), same-origin resource
 * policy. /api answers additionally forbid caching. /v1 is for programs: it gets only nosniff, so
 * nothing there can interfere with SDKs, streaming or cross-origin browser clients.
 */
export function securityHeaders(): RequestHandler {
  const consoleHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        'img-src': ["'self'", 'data:', 'blob:', 'https:'],
        'connect-src': ["'self'"],
      },
    },
  });
  const apiHeaders = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] } },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    const path = req.path;
    if (path === '/v1' || path.startsWith('/v1/')) {
      res.setHeader('X-Content-Type-Options', 'nosniff');
      return next();
    }
    if (path === '/api' || path.startsWith('/api/')) {
      res.setHeader('Cache-Control', 'no-store');
      return apiHeaders(req, res, next);
    }
    return consoleHeaders(req, res, next);
  };
}
