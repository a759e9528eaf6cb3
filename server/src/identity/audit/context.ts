import type { Request, Response } from 'express';
import type { Principal } from '@switchyard/spec';
import type { AuditActor } from './audit-log';

/** The audit actor for a principal: people by user id, with the session or key they used. */
export function actorFromPrincipal(principal: Principal | undefined): AuditActor {
  if (!principal) return { type: 'anonymous' };
  const email = typeof principal.attributes?.email === 'string' ? principal.attributes.email : null;
  switch (principal.method) {
    case 'admin-key':
      return { type: 'admin_key', id: 'admin-key', label: 'SWITCHYARD_ADMIN_KEY' };
    case 'session':
      return { type: 'user', id: principal.userId ?? null, label: email, credentialId: principal.id };
    case 'api-key':
      return { type: 'api_key', id: principal.userId ?? principal.id, label: email, credentialId: principal.id };
    default:
      return { type: principal.method, id: principal.userId ?? principal.id, label: email, credentialId: principal.id };
  }
}

/**
 * Actor, client IP and request id of an HTTP request, to spread into `audit.record`:
 * `audit.record({ ...auditContext(req, res), action: 'pipeline.publish', target: { type: 'pipeline', id } })`.
 */
export function auditContext(req: Request, res: Response): { actor: AuditActor; ip: string | null; requestId: string | null } {
  return { actor: actorFromPrincipal(res.locals.principal), ip: req.ip ?? null, requestId: res.locals.requestId ?? null };
}
