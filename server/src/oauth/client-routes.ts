import express, { Router, type Request } from 'express';
import { errors } from '@switchyard/core';
import type { AuditLog } from '../identity/audit/audit-log';
import { auditContext } from '../identity/audit/context';
import { ClientInputError, type ClientInput, type ClientStore } from './clients';

const asInput = (req: Request): ClientInput => {
  const body = req.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw errors.invalidRequest('The body must be a JSON object.', null, 'invalid_body');
  const unknown = Object.keys(body).filter((k) => !['name', 'type', 'redirectUris', 'scopes', 'firstParty'].includes(k));
  if (unknown.length) throw errors.invalidRequest(`Unknown field '${unknown[0]}'.`, unknown[0], 'unknown_field');
  return body as ClientInput;
};

const checked = async <T>(fn: () => Promise<T>): Promise<T> => {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ClientInputError) throw errors.invalidRequest(err.message, null, 'invalid_value');
    throw err;
  }
};

/** /api/oauth/clients: admins register, change and delete OAuth clients. The secret is in the creation answer only. */
export function oauthClientRoutes(deps: { clients: ClientStore; audit: AuditLog }): Router {
  const r = Router();
  r.use('/oauth/clients', express.json({ limit: '64kb' }));
  const notFound = (id: string) => errors.notFound(`No OAuth client with id '${id}'.`, 'id', 'oauth_client_not_found');

  r.get('/oauth/clients', async (_req, res) => {
    res.json({ object: 'list', data: await deps.clients.list() });
  });
  r.post('/oauth/clients', async (req, res) => {
    const input = asInput(req);
    const { client, secret } = await checked(() => deps.clients.create(input, res.locals.principal?.userId ?? null));
    await deps.audit.record({ ...auditContext(req, res), action: 'oauth.client.create', target: { type: 'oauth_client', id: client.id, label: client.name }, details: { type: client.type, redirectUris: client.redirectUris, scopes: client.scopes, firstParty: client.firstParty } });
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json({ ...client, ...(secret ? { clientSecret: secret } : {}) });
  });
  r.get('/oauth/clients/:id', async (req, res) => {
    const client = await deps.clients.get(req.params.id as string);
    if (!client) throw notFound(req.params.id as string);
    res.json(client);
  });
  r.patch('/oauth/clients/:id', async (req, res) => {
    const id = req.params.id as string;
    const before = await deps.clients.get(id);
    if (!before) throw notFound(id);
    const input = asInput(req);
    const after = (await checked(() => deps.clients.update(id, input)))!;
    await deps.audit.record({ ...auditContext(req, res), action: 'oauth.client.update', target: { type: 'oauth_client', id, label: after.name }, details: { before, after } });
    res.json(after);
  });
  r.delete('/oauth/clients/:id', async (req, res) => {
    const id = req.params.id as string;
    const before = await deps.clients.get(id);
    if (!before || !(await deps.clients.remove(id))) throw notFound(id);
    await deps.audit.record({ ...auditContext(req, res), action: 'oauth.client.delete', target: { type: 'oauth_client', id, label: before.name }, details: { tokensRevoked: true } });
    res.json({ id, object: 'oauth_client', deleted: true });
  });
  return r;
}
