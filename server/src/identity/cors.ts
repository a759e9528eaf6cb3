import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { errors } from '@switchyard/core';
import { CSRF_HEADER } from './csrf';

/** Whether an Origin header names this server (by host; the scheme may differ behind a TLS proxy). */
function sameHost(origin: string, req: Request): boolean {
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false;
  }
}

/**
 * CORS for /api, strict: the console's own origin, plus the configured ones (with credentials).
 * A browser request from any other origin is refused outright (403), whatever its method, so a
 * foreign page can neither read nor change anything even where cookies would be sent.
 */
export function apiCors(allowedOrigins: string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (origin === undefined) return next(); // not a cross-origin browser request
    if (req.path.startsWith('/public/')) {
      // Unauthenticated by design (e.g. the public price list): readable from anywhere, never with cookies.
      res.setHeader('Access-Control-Allow-Origin', '*');
      return req.method === 'OPTIONS' ? void res.status(204).end() : next();
    }
    const same = sameHost(origin, req);
    if (!same && !allowed.has(origin)) return next(errors.forbidden('Requests from this origin are not allowed. Add it to SWITCHYARD_CORS_ORIGINS to allow it.', 'origin_not_allowed'));
    if (!same) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Expose-Headers', 'x-request-id, retry-after');
      res.append('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
      res.setHeader('Access-Control-Allow-Headers', `content-type, authorization, ${CSRF_HEADER}, x-request-id`);
      res.setHeader('Access-Control-Max-Age', '600');
      return void res.status(204).end();
    }
    next();
  };
}

/**
 * CORS for /v1: any origin, never credentials (Access-Control-Allow-Origin: *), so browser apps can
 * call the gateway with a key while no site can ride on a console user's cookie. Off: no CORS headers.
 */
export function v1Cors(anyOrigin: boolean): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!anyOrigin || req.headers.origin === undefined) return next();
    setV1CorsHeaders(res);
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      const asked = req.headers['access-control-request-headers'];
      res.setHeader('Access-Control-Allow-Headers', typeof asked === 'string' && asked ? asked : 'authorization, content-type');
      res.setHeader('Access-Control-Max-Age', '600');
      return void res.status(204).end();
    }
    next();
  };
}

/** The /v1 CORS headers of an actual (not preflight) cross-origin request. */
export function setV1CorsHeaders(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', '*');
}
