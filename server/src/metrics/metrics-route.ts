import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { errors } from '@switchyard/core';
import { sha256Digest } from '../identity/secrets';
import { presentedToken } from '../auth/credentials-from-request';
import type { GatewayMetrics } from './gateway-metrics';
import { EXPOSITION_CONTENT_TYPE } from './registry';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * GET /metrics. With SWITCHYARD_METRICS_TOKEN set, a scraper must present it as a bearer token;
 * without it, only clients on the loopback interface may read (req.ip, so a reverse proxy on the
 * same host that forwards X-Forwarded-For does not open it to everyone).
 */
export function metricsRoute(metrics: GatewayMetrics, token: string | undefined): RequestHandler {
  const expected = token === undefined ? undefined : sha256Digest(token);
  return (req: Request, res: Response, next: NextFunction) => {
    if (expected) {
      const given = presentedToken({ method: req.method, path: req.path, ip: req.ip ?? '', headers: req.headers });
      if (given === undefined) return next(errors.unauthorized('Metrics need the metrics token as a bearer token.', 'missing_api_key'));
      if (!timingSafeEqual(sha256Digest(given), expected)) return next(errors.unauthorized('Incorrect metrics token provided.', 'invalid_api_key'));
    } else if (!LOOPBACK.has(req.ip ?? '')) {
      return next(errors.forbidden('Metrics are only served to loopback clients unless SWITCHYARD_METRICS_TOKEN is set.', 'metrics_forbidden'));
    }
    res.setHeader('Content-Type', EXPOSITION_CONTENT_TYPE);
    res.setHeader('Cache-Control', 'no-store');
    res.send(metrics.expose());
  };
}
