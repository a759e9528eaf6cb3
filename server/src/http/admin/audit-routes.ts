import { once } from 'node:events';
import { Router, type Request, type Response } from 'express';
import { errors } from '@switchyard/core';
import type { Identity } from '../../identity';
import type { AuditFilter } from '../../identity/audit/audit-log';
import { auditContext } from '../../identity/audit/context';
import { auditCsvHeader, auditCsvRow } from '../../identity/audit/csv';

function text(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw errors.invalidRequest(`Invalid value for '${name}': give it once.`, name, 'invalid_value');
  return v === '' ? undefined : v;
}

function time(req: Request, name: string): number | undefined {
  const v = text(req, name);
  if (v === undefined) return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (Number.isNaN(n)) throw errors.invalidRequest(`Invalid value for '${name}': must be epoch milliseconds or an ISO 8601 time.`, name, 'invalid_value');
  return n;
}

function int(req: Request, name: string, min: number, max: number): number | undefined {
  const v = text(req, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw errors.invalidRequest(`Invalid value for '${name}': must be an integer from ${min} to ${max}.`, name, 'invalid_value');
  return n;
}

function filterOf(req: Request): AuditFilter {
  return {
    actor: text(req, 'actor'),
    actorType: text(req, 'actorType'),
    action: text(req, 'action'),
    targetType: text(req, 'targetType'),
    target: text(req, 'target'),
    outcome: text(req, 'outcome'),
    from: time(req, 'from'),
    to: time(req, 'to'),
    before: int(req, 'before', 1, Number.MAX_SAFE_INTEGER),
    limit: int(req, 'limit', 1, 1000),
  };
}

/** The audit log: a filtered, paged viewer, a CSV export, and chain verification (admins). */
export function auditRoutes({ identity }: { identity: Identity }): Router {
  const r = Router();

  const exportCsv = async (req: Request, res: Response) => {
    const filter = filterOf(req);
    delete filter.limit; // an export is everything that matches
    await identity.audit.record({ ...auditContext(req, res), action: 'audit.export', details: { filter } });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="switchyard-audit-${new Date().toISOString().slice(0, 10)}.csv"`);
    res.write(auditCsvHeader() + '\r\n');
    for await (const entry of identity.audit.iterate(filter)) {
      if (!res.write(auditCsvRow(entry) + '\r\n')) await once(res, 'drain');
      if (res.destroyed) return;
    }
    res.end();
  };

  r.get('/audit', async (req, res) => {
    if (req.query.format === 'csv') return exportCsv(req, res);
    const page = await identity.audit.list(filterOf(req));
    res.json({ data: page.data, nextBefore: page.nextBefore });
  });
  r.get('/audit.csv', exportCsv);
  r.get('/audit/verify', async (_req, res) => {
    res.json(await identity.audit.verify());
  });
  return r;
}
