import express, { Router, type Response } from 'express';
import { errors } from '@switchyard/core';
import type { Identity } from '../../identity';
import { DEFAULT_KEY_SCOPES, KEY_SCOPES, type ApiKeyInfo, type BudgetPeriod, type KeyScope } from '../../identity/api-keys';
import { auditContext } from '../../identity/audit/context';
import { atLeast } from '../../identity/roles';
import { compileValidator } from '../../validation/validate';
import { param, principalOf } from './identity-http';

interface NewKeyBody {
  name: string;
  userId?: string;
  projectId?: string | null;
  scopes?: KeyScope[];
  allowedModels?: string[] | null;
  allowedPipelines?: string[] | null;
  expiresAt?: number | string | null;
  expiresInDays?: number;
  rpm?: number | null;
  tpm?: number | null;
  budget?: { credits: number; period?: BudgetPeriod } | null;
  attributes?: Record<string, unknown>;
}

const nameList = { type: ['array', 'null'], maxItems: 500, items: { type: 'string', minLength: 1, maxLength: 200 } };
const validateNewKey = compileValidator<NewKeyBody>({
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    userId: { type: 'string', maxLength: 64 },
    projectId: { type: ['string', 'null'], maxLength: 64 },
    scopes: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...KEY_SCOPES, '*'] } },
    allowedModels: nameList,
    allowedPipelines: nameList,
    expiresAt: { type: ['integer', 'string', 'null'] },
    expiresInDays: { type: 'number', exclusiveMinimum: 0, maximum: 3650 },
    rpm: { type: ['integer', 'null'], minimum: 1, maximum: 1_000_000_000 },
    tpm: { type: ['integer', 'null'], minimum: 1, maximum: 1_000_000_000 },
    budget: {
      type: ['object', 'null'],
      required: ['credits'],
      additionalProperties: false,
      properties: { credits: { type: 'number', minimum: 0, maximum: 1e9 }, period: { enum: ['total', 'day', 'month'] } },
    },
    attributes: { type: 'object' },
  },
});

function expiryOf(body: NewKeyBody): number | null {
  if (body.expiresAt !== undefined && body.expiresAt !== null && body.expiresInDays !== undefined) {
    throw errors.invalidRequest('Give expiresAt or expiresInDays, not both.', 'expiresAt', 'invalid_value');
  }
  let at: number | null = null;
  if (body.expiresInDays !== undefined) at = Date.now() + Math.round(body.expiresInDays * 86_400_000);
  else if (typeof body.expiresAt === 'number') at = body.expiresAt;
  else if (typeof body.expiresAt === 'string') {
    at = Date.parse(body.expiresAt);
    if (Number.isNaN(at)) throw errors.invalidRequest("Invalid value for 'expiresAt': must be epoch milliseconds or an ISO 8601 time.", 'expiresAt', 'invalid_value');
  }
  if (at !== null && at <= Date.now()) throw errors.invalidRequest("Invalid value for 'expiresAt': must be in the future.", 'expiresAt', 'invalid_value');
  return at;
}

/** What the audit log keeps of a key: everything the listing shows (prefix, never the secret). */
const auditable = (k: ApiKeyInfo) => ({ name: k.name, prefix: k.prefix, userId: k.userId, projectId: k.projectId, scopes: k.scopes, allowedModels: k.allowedModels, allowedPipelines: k.allowedPipelines, limits: k.limits, budget: k.budget, expiresAt: k.expiresAt, status: k.status });

/** API keys: own keys for everyone, all keys for admins. The secret is in the creation answer only. */
export function keyRoutes({ identity }: { identity: Identity }): Router {
  const r = Router();
  r.use(express.json({ limit: '64kb' }));

  const isAdmin = (res: Response) => atLeast(principalOf(res).role, 'admin');
  /** A key the caller may see: admins any, others their own; anything else is "not found". */
  const visibleKey = async (res: Response, id: string): Promise<ApiKeyInfo> => {
    const key = await identity.apiKeys.get(id);
    if (!key || (!isAdmin(res) && key.userId !== principalOf(res).userId)) throw errors.notFound(`No API key '${id}'.`, null, 'key_not_found');
    return key;
  };

  r.get('/keys', async (req, res) => {
    const p = principalOf(res);
    const asked = typeof req.query.userId === 'string' ? req.query.userId : undefined;
    if (isAdmin(res)) return void res.json({ data: await identity.apiKeys.list({ userId: asked }) });
    if (!p.userId) return void res.json({ data: [] });
    res.json({ data: await identity.apiKeys.list({ userId: p.userId }) });
  });

  r.get('/keys/:id', async (req, res) => {
    res.json(await visibleKey(res, param(req, 'id')));
  });

  r.post('/keys', async (req, res) => {
    const p = principalOf(res);
    const body = validateNewKey(req.body);
    const userId = body.userId ?? p.userId;
    if (!userId) throw errors.invalidRequest("Missing required parameter: 'userId' (this credential belongs to no user).", 'userId', 'missing_required_parameter');
    if (userId !== p.userId && !isAdmin(res)) throw errors.forbidden('Only admins can create keys for other users.', 'insufficient_role');
    const owner = await identity.users.get(userId);
    if (!owner) throw errors.invalidRequest(`No user '${userId}'.`, 'userId', 'user_not_found');
    if (owner.disabled) throw errors.invalidRequest(`User '${userId}' is disabled.`, 'userId', 'user_disabled');
    const { info, secret } = await identity.apiKeys.create({
      name: body.name,
      userId,
      projectId: body.projectId ?? null,
      scopes: body.scopes ?? DEFAULT_KEY_SCOPES,
      allowedModels: body.allowedModels ?? null,
      allowedPipelines: body.allowedPipelines ?? null,
      rpm: body.rpm ?? null,
      tpm: body.tpm ?? null,
      budget: body.budget ? { microCredits: Math.round(body.budget.credits * 1_000_000), period: body.budget.period ?? 'total' } : null,
      attributes: body.attributes ?? {},
      expiresAt: expiryOf(body),
      createdBy: p.userId ?? p.id,
    });
    await identity.audit.record({ ...auditContext(req, res), action: 'key.create', target: { type: 'api_key', id: info.id, label: info.name }, details: { after: auditable(info) } });
    // The only time the secret leaves the server.
    res.status(201).json({ ...info, key: secret });
  });

  r.delete('/keys/:id', async (req, res) => {
    const p = principalOf(res);
    const before = await visibleKey(res, param(req, 'id'));
    const after = (await identity.apiKeys.revoke(before.id, p.userId ?? p.id))!;
    if (before.revokedAt === null) {
      await identity.audit.record({ ...auditContext(req, res), action: 'key.revoke', target: { type: 'api_key', id: before.id, label: before.name }, details: { before: auditable(before), after: auditable(after) } });
    }
    res.json(after);
  });

  return r;
}
