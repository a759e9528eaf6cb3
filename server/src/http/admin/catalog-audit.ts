import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '@switchyard/spec';
import type { Identity } from '../../identity';
import { auditContext } from '../../identity/audit/context';
import { compileRoutePath } from '../../identity/route-pattern';
import type { CredentialRepo } from '../../repos/credentials';
import type { ModelRepo } from '../../repos/models';
import type { ProviderRepo } from '../../repos/providers';

interface Deps {
  identity: Identity;
  logger: Logger;
  providers: ProviderRepo;
  credentials: CredentialRepo;
  models: ModelRepo;
}

interface AuditedRoute {
  method: string;
  re: RegExp;
  action: string;
  targetType: string;
  /** The target id from the request (path or body), or from the answer for creations. */
  targetId(req: Request, answer: unknown): string | undefined;
  /** The record as it was, read before the change runs. */
  before?(req: Request, deps: Deps): Promise<unknown>;
  /** Extra facts: which fields a change touched (never their values when they are secret). */
  facts?(req: Request): Record<string, unknown>;
}

const pathParam = (req: Request, index: number) => decodeURIComponent(req.path.split('/')[index] ?? '');
const modelId = (req: Request) => decodeURIComponent(req.path.slice('/models/'.length));
const answerId = (answer: unknown) => (answer && typeof answer === 'object' ? ((answer as { id?: string }).id ?? undefined) : undefined);
const bodyKeys = (req: Request) => (req.body && typeof req.body === 'object' ? Object.keys(req.body as object).sort() : []);

const ROUTES: AuditedRoute[] = [
  { method: 'POST', re: compileRoutePath('/providers'), action: 'provider.create', targetType: 'provider', targetId: (_req, a) => answerId(a) },
  {
    method: 'PATCH', re: compileRoutePath('/providers/:id'), action: 'provider.update', targetType: 'provider',
    targetId: (req) => pathParam(req, 2), before: (req, d) => d.providers.get(pathParam(req, 2)), facts: (req) => ({ fields: bodyKeys(req) }),
  },
  { method: 'DELETE', re: compileRoutePath('/providers/:id'), action: 'provider.delete', targetType: 'provider', targetId: (req) => pathParam(req, 2), before: (req, d) => d.providers.get(pathParam(req, 2)) },
  {
    method: 'POST', re: compileRoutePath('/providers/:id/credentials'), action: 'credential.create', targetType: 'credential',
    targetId: (_req, a) => answerId(a), facts: (req) => ({ providerId: pathParam(req, 2) }),
  },
  {
    method: 'PATCH', re: compileRoutePath('/credentials/:id'), action: 'credential.update', targetType: 'credential',
    targetId: (req) => pathParam(req, 2), before: (req, d) => d.credentials.get(pathParam(req, 2)),
    facts: (req) => ({ fields: bodyKeys(req), secretChanged: bodyKeys(req).includes('secret') }),
  },
  { method: 'DELETE', re: compileRoutePath('/credentials/:id'), action: 'credential.delete', targetType: 'credential', targetId: (req) => pathParam(req, 2), before: (req, d) => d.credentials.get(pathParam(req, 2)) },
  { method: 'PUT', re: compileRoutePath('/models/*id'), action: 'model.upsert', targetType: 'model', targetId: modelId, before: (req, d) => d.models.get(modelId(req)) },
  { method: 'DELETE', re: compileRoutePath('/models/*id'), action: 'model.delete', targetType: 'model', targetId: modelId, before: (req, d) => d.models.get(modelId(req)) },
];

/**
 * Audits the catalog's admin routes without changing them: mounted just before them, it reads the
 * record as it was, lets the route run, captures the JSON answer as "after", and appends the entry
 * before the response is released, so the change is in the log by the time the client hears of it.
 * Request bodies are never stored (credential secrets travel in them); before/after are the
 * repositories' views, which hold no secrets, and are redacted again by the audit log.
 */
export function auditCatalogChanges(deps: Deps) {
  const json = express.json({ limit: '1mb' });
  return (req: Request, res: Response, next: NextFunction): void => {
    const route = ROUTES.find((r) => r.method === req.method && r.re.test(req.path));
    if (!route) return next();
    json(req, res, (parseError?: unknown) => {
      if (parseError) return next(parseError);
      void (async () => {
        const before = route.before ? ((await route.before(req, deps).catch(() => undefined)) ?? null) : null;
        let answer: unknown;
        const sendJson = res.json.bind(res);
        res.json = (body: unknown) => {
          answer = body;
          return sendJson(body);
        };
        const end = res.end.bind(res) as (...args: unknown[]) => Response;
        let recorded = false;
        (res as { end: (...args: unknown[]) => Response }).end = (...args: unknown[]) => {
          if (recorded || res.statusCode >= 400) return end(...args);
          recorded = true;
          deps.identity.audit
            .record({
              ...auditContext(req, res),
              action: route.action,
              target: { type: route.targetType, id: route.targetId(req, answer) ?? null },
              details: { before, after: req.method === 'DELETE' ? null : (answer ?? null), ...route.facts?.(req) },
            })
            .catch((err: Error) => deps.logger.error({ err: err.message, action: route.action, requestId: res.locals.requestId }, 'could not write the audit log'))
            .finally(() => end(...args));
          return res;
        };
        next();
      })().catch(next);
    });
  };
}
