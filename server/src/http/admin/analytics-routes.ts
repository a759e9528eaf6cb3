import { once } from 'node:events';
import express, { Router, type Request, type Response } from 'express';
import { errors } from '@switchyard/core';
import type { Principal } from '@switchyard/spec';
import { csvLine, METRIC_COLUMNS, metricValues } from '../../usage/analytics/csv';
import { listEvents, type UsageEventView } from '../../usage/analytics/events-query';
import { parseBreakdown, parseEvents, parseSummary, parseTimeseries, wantsCsv, type Filters } from '../../usage/analytics/params';
import { isAdminPrincipal, trafficScope } from '../../usage/traffic-scope';
import type { UsageServices } from '../../usage/usage-services';
import { compileValidator } from '../../validation/validate';

const validateRetention = compileValidator<{ rawDays?: number; minuteDays?: number; hourDays?: number; dayDays?: number }>({
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: Object.fromEntries(['rawDays', 'minuteDays', 'hourDays', 'dayDays'].map((k) => [k, { type: 'integer', minimum: 1, maximum: 36_500 }])),
});

const EVENT_COLUMNS: Array<keyof UsageEventView> = [
  'time', 'requestId', 'endpoint', 'authMethod', 'keyId', 'userId', 'projectId', 'pipelineId', 'pipelineVersion', 'requestedModel',
  'providerId', 'modelId', 'upstreamModel', 'credentialId', 'attempts', 'status', 'errorType', 'errorCode', 'promptTokens',
  'completionTokens', 'cachedTokens', 'reasoningTokens', 'images', 'tokensEstimated', 'costMicros', 'creditsMicros', 'latencyMs',
  'ttftMs', 'upstreamMs', 'stream', 'cacheHit',
];
const CSV_PAGE = 5000;

/**
 * Restricts filters to what the caller may see: admins see everything; a console user only
 * their own user's traffic (asking for another user's is refused, not silently emptied).
 */
export function scopeFilters(principal: Principal | undefined, filters: Filters): Filters {
  const scope = principal && trafficScope(principal);
  if (!scope) throw errors.forbidden('You are not allowed to see usage analytics.', 'analytics_forbidden');
  if (scope.kind === 'all') return filters;
  if (filters.user && filters.user.some((u) => u !== scope.userId)) {
    throw errors.forbidden("You may only see your own user's traffic.", 'analytics_forbidden');
  }
  return { ...filters, user: [scope.userId] };
}

function requireAdmin(res: Response): void {
  const p = res.locals.principal;
  if (!p || !isAdminPrincipal(p)) throw errors.forbidden('Only administrators may do this.', 'admin_required');
}

function sendCsv(res: Response, name: string, header: string[], rows: unknown[][]): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
  res.send(csvLine(header) + rows.map(csvLine).join(''));
}

const iso = (t: number) => new Date(t).toISOString();

/** Mounted at /api/analytics: summaries, time series, breakdowns, raw events (JSON or CSV), status and retention. */
export function analyticsRoutes(deps: { usage: UsageServices }): Router {
  const r = Router();
  const { analytics, recorder, retention, db } = deps.usage;
  const query = (req: Request) => req.query as Record<string, unknown>;

  r.get('/summary', async (req, res) => {
    const q = parseSummary(query(req));
    const out = await analytics.summary({ ...q, filters: scopeFilters(res.locals.principal, q.filters) });
    if (wantsCsv(query(req))) return sendCsv(res, `usage-summary-${q.from}-${q.to}`, ['from', 'to', ...METRIC_COLUMNS], [[iso(out.from), iso(out.to), ...metricValues(out.totals)]]);
    res.json(out);
  });

  r.get('/timeseries', async (req, res) => {
    const q = parseTimeseries(query(req));
    const out = await analytics.timeseries({ ...q, filters: scopeFilters(res.locals.principal, q.filters) });
    if (wantsCsv(query(req))) {
      const rows = out.series
        ? out.series.flatMap((s) => s.points.map((p) => [iso(p.t), s.key, ...metricValues(p)]))
        : out.points.map((p) => [iso(p.t), ...metricValues(p)]);
      return sendCsv(res, `usage-timeseries-${q.bucket}-${q.from}-${q.to}`, ['time', ...(out.series ? [q.groupBy!] : []), ...METRIC_COLUMNS], rows);
    }
    res.json(out);
  });

  r.get('/breakdown', async (req, res) => {
    const q = parseBreakdown(query(req));
    const out = await analytics.breakdown({ ...q, filters: scopeFilters(res.locals.principal, q.filters) });
    if (wantsCsv(query(req))) return sendCsv(res, `usage-by-${q.by}-${q.from}-${q.to}`, [q.by, ...METRIC_COLUMNS], out.rows.map((row) => [row.key, ...metricValues(row)]));
    res.json(out);
  });

  r.get('/events', async (req, res) => {
    const q = parseEvents(query(req));
    const scoped = { ...q, filters: scopeFilters(res.locals.principal, q.filters) };
    if (!wantsCsv(query(req))) return void res.json(await listEvents(db, scoped));

    // Written page by page so a large export neither sits in memory nor holds the database.
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="usage-events-${q.from}-${q.to}.csv"`);
    res.write(csvLine(EVENT_COLUMNS));
    let remaining = q.limit;
    let before = q.before;
    while (remaining > 0 && !res.destroyed) {
      const page = await listEvents(db, { ...scoped, before, limit: Math.min(CSV_PAGE, remaining) });
      const text = page.data.map((e) => csvLine(EVENT_COLUMNS.map((c) => (c === 'time' ? iso(e.time) : e[c])))).join('');
      if (text && !res.write(text)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
      remaining -= page.data.length;
      if (!page.nextCursor) break;
      const [ts, id] = page.nextCursor.split(':').map(Number);
      before = { ts, id };
    }
    res.end();
  });

  r.get('/status', (_req, res) => {
    requireAdmin(res);
    res.json({ instance: deps.usage.instanceId, queue: recorder.status() });
  });

  r.get('/retention', async (_req, res) => {
    requireAdmin(res);
    res.json(await retention.get());
  });
  r.put('/retention', express.json({ limit: '16kb' }), async (req, res) => {
    requireAdmin(res);
    res.json(await retention.set(validateRetention(req.body)));
  });

  return r;
}
