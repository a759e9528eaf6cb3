import express, { Router, type Request, type Response } from 'express';
import { errors } from '@switchyard/core';
import type { PriceCard } from '@switchyard/spec';
import type { BillingService } from '../../billing/billing-service';
import type { Catalog } from '../../catalog/catalog';
import { bindWindows } from '../../billing/budgets/budget-guard';
import { readSpend, spentIn } from '../../billing/budgets/budget-usage';
import { ensureAccount, parseAccountId, payerAccountId } from '../../billing/ledger/accounts';
import { addCredit, adjust } from '../../billing/ledger/credits';
import { audit, getAccount, listAccounts, listEntries } from '../../billing/ledger/queries';
import { modelExtras } from '../../billing/model-pricing';
import { cardProblems, decimalToMicros } from '../../billing/money';
import { handleWebhook, startCheckout } from '../../billing/payments/checkout';
import { userPrice } from '../../billing/prices/price-book';
import type { PriceInput, PriceRecord } from '../../billing/prices/price-repo';
import { compileValidator } from '../../validation/validate';

const card = { type: 'object' };
const priceFields = {
  cost: card,
  pricing: { enum: ['markup', 'custom'] },
  markupBp: { type: ['integer', 'null'], minimum: 0, maximum: 1_000_000 },
  custom: { type: ['object', 'null'] },
  defaultMaxOutput: { type: ['integer', 'null'], minimum: 1 },
  enabled: { type: 'boolean' },
};
const validatePrice = compileValidator<Omit<PriceInput, 'source' | 'listDate'> & Partial<PriceInput>>({
  type: 'object',
  required: ['scope', 'scopeId', 'model', 'cost'],
  additionalProperties: false,
  properties: { scope: { enum: ['provider', 'plugin'] }, scopeId: { type: 'string', minLength: 1, maxLength: 64 }, model: { type: 'string', minLength: 1, maxLength: 200 }, ...priceFields },
});
const validatePricePatch = compileValidator<Partial<PriceInput>>({ type: 'object', additionalProperties: false, properties: priceFields });

// Amounts arrive as integer micro-credits (`amount`) or as a decimal string of credits (`credits`).
const amountFields = { amount: { type: 'integer' }, credits: { type: 'string', pattern: '^-?\\d+(\\.\\d{1,6})?$' }, memo: { type: 'string', maxLength: 500 } };
const validateCredit = compileValidator<{ amount?: number; credits?: string; memo?: string; expiresAt?: number; expiresInDays?: number }>({
  type: 'object',
  additionalProperties: false,
  properties: { ...amountFields, expiresAt: { type: 'integer', minimum: 0 }, expiresInDays: { type: 'integer', minimum: 1 } },
});
const validateAccount = compileValidator<{ kind: 'user' | 'project'; ownerId: string; creditLimit?: number }>({
  type: 'object',
  required: ['kind', 'ownerId'],
  additionalProperties: false,
  properties: { kind: { enum: ['user', 'project'] }, ownerId: { type: 'string', pattern: '^[^/\\s]{1,200}$' }, creditLimit: { type: 'integer', minimum: 0 } },
});
const validateAccountPatch = compileValidator<{ creditLimit: number }>({
  type: 'object',
  required: ['creditLimit'],
  additionalProperties: false,
  properties: { creditLimit: { type: 'integer', minimum: 0 } },
});
const validateBudget = compileValidator<{ scope: 'key' | 'user' | 'project'; scopeId: string; period: 'day' | 'week' | 'month'; softLimit?: number | null; hardLimit?: number | null }>({
  type: 'object',
  required: ['scope', 'scopeId', 'period'],
  additionalProperties: false,
  properties: {
    scope: { enum: ['key', 'user', 'project'] },
    scopeId: { type: 'string', minLength: 1, maxLength: 200 },
    period: { enum: ['day', 'week', 'month'] },
    softLimit: { type: ['integer', 'null'], minimum: 0 },
    hardLimit: { type: ['integer', 'null'], minimum: 0 },
  },
});
const validateBudgetPatch = compileValidator<{ softLimit?: number | null; hardLimit?: number | null }>({
  type: 'object',
  additionalProperties: false,
  properties: { softLimit: { type: ['integer', 'null'], minimum: 0 }, hardLimit: { type: ['integer', 'null'], minimum: 0 } },
});
const validateCheckout = compileValidator<{ provider: string; amount?: number; credits?: string; returnUrl?: string }>({
  type: 'object',
  required: ['provider'],
  additionalProperties: false,
  properties: { provider: { type: 'string' }, amount: { type: 'integer' }, credits: amountFields.credits, returnUrl: { type: 'string', maxLength: 2000 } },
});

function amountOf(body: { amount?: number; credits?: string }, { positive }: { positive: boolean }): number {
  let amount: number;
  if (body.amount !== undefined) amount = body.amount;
  else if (body.credits !== undefined) amount = decimalToMicros(body.credits);
  else throw errors.invalidRequest('Give `amount` (integer micro-credits) or `credits` (a decimal string).', 'amount', 'missing_required_parameter');
  if (!Number.isSafeInteger(amount) || (positive ? amount <= 0 : amount === 0)) {
    throw errors.invalidRequest(positive ? 'The amount must be a positive integer of micro-credits.' : 'The amount must be a non-zero integer of micro-credits.', 'amount', 'invalid_value');
  }
  return amount;
}

function checkCards(input: Partial<PriceInput>): void {
  const problems = [...(input.cost ? cardProblems(input.cost, 'cost') : []), ...(input.custom ? cardProblems(input.custom, 'custom') : [])];
  if (input.pricing === 'custom' && input.custom === null) problems.push('custom pricing needs a custom card');
  if (problems.length) throw errors.invalidRequest(`Invalid price: ${problems.join('; ')}.`, null, 'invalid_price');
}

const settlementView = (r: Record<string, unknown>) => ({
  id: r.id,
  requestId: r.request_id,
  attempt: Number(r.attempt),
  holdId: r.hold_id,
  accountId: r.account_id,
  endpoint: r.endpoint,
  providerId: r.provider_id,
  modelId: r.model_id,
  upstreamModel: r.upstream_model,
  promptTokens: Number(r.prompt_tokens),
  completionTokens: Number(r.completion_tokens),
  cachedTokens: Number(r.cached_tokens),
  cacheWriteTokens: Number(r.cache_write_tokens),
  images: Number(r.images),
  countedLocally: Boolean(r.counted_locally),
  reserved: Number(r.reserved),
  charged: Number(r.charged),
  collected: Number(r.collected),
  costMicroUsd: Number(r.cost_usd),
  status: r.status,
  createdAt: Number(r.created_at),
});

const param = (req: Request, name: string) => String(req.params[name]);
const who = (res: Response) => res.locals.principal?.id ?? null;
const limitOf = (req: Request) => Math.min(Math.max(Number(req.query.limit ?? 100) || 100, 1), 1000);

function accountParam(req: Request): string {
  const id = param(req, 'id');
  if (!parseAccountId(id)) throw errors.invalidRequest(`'${id}' is not an account id: use user:<id> or project:<id>.`, 'id', 'invalid_account');
  return id;
}

/** Admin API for billing, under /api/billing (admin scope; the identity feature will add roles). */
export function billingRoutes(deps: { billing: BillingService }): Router {
  const { billing } = deps;
  const db = billing.db;
  const r = Router();
  r.use(express.json({ limit: '1mb' }));

  const priceView = (p: PriceRecord) => ({ ...p, price: userPrice(p, billing.settings) });
  // A credit line cannot be lowered below what the account already owes (the same condition the
  // database checks), so the update is conditional.
  const setCreditLimit = async (id: string, limit: number) => {
    const changed = await db('billing_accounts').where({ id }).andWhereRaw('balance >= ?', [-limit]).update({ credit_limit: limit, updated_at: Date.now() });
    if (changed > 0) return;
    if (!(await db('billing_accounts').where({ id }).first())) throw errors.notFound(`No account '${id}'.`);
    throw errors.invalidRequest('The balance is below that credit line; top up first or choose a larger one.', 'creditLimit', 'balance_below_credit_line');
  };

  r.get('/settings', (_req, res) => {
    res.json({ ...billing.settings, availableRules: billing.rules.available(), paymentProviders: billing.payments.list() });
  });
  r.patch('/settings', async (req, res) => {
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) throw errors.invalidRequest('The request body must be a JSON object.', null, 'invalid_body');
    const result = await billing.updateSettings(req.body as Record<string, unknown>);
    if (!result.ok) throw errors.invalidRequest(`Invalid billing settings: ${result.errors.join('; ')}.`, null, 'invalid_settings');
    res.json(result.value);
  });

  r.get('/prices', async (req, res) => {
    let list = await billing.prices.list();
    for (const key of ['scope', 'scopeId', 'model'] as const) {
      const want = req.query[key];
      if (typeof want === 'string') list = list.filter((p) => p[key] === want);
    }
    res.json({ data: list.map(priceView) });
  });
  r.get('/prices/history', async (req, res) => {
    res.json({ data: await billing.prices.history(undefined, limitOf(req)) });
  });
  r.get('/prices/:id', async (req, res) => {
    const p = await billing.prices.get(param(req, 'id'));
    if (!p) throw errors.notFound(`No price '${param(req, 'id')}'.`);
    res.json(priceView(p));
  });
  r.get('/prices/:id/history', async (req, res) => {
    res.json({ data: await billing.prices.history(param(req, 'id'), limitOf(req)) });
  });
  r.post('/prices', async (req, res) => {
    const body = validatePrice(req.body);
    checkCards(body);
    if (await billing.prices.find(body.scope, body.scopeId, body.model)) throw errors.conflict(`A price for ${body.scope} '${body.scopeId}' model '${body.model}' exists; PATCH it.`);
    const created = await billing.prices.create(
      {
        scope: body.scope,
        scopeId: body.scopeId,
        model: body.model,
        cost: body.cost as PriceCard,
        pricing: body.pricing ?? (body.custom ? 'custom' : 'markup'),
        markupBp: body.markupBp ?? null,
        custom: (body.custom as PriceCard | undefined) ?? null,
        defaultMaxOutput: body.defaultMaxOutput ?? null,
        enabled: body.enabled ?? true,
        source: 'api',
        listDate: null,
      },
      who(res),
    );
    await billing.refresh();
    res.status(201).json(priceView(created));
  });
  r.patch('/prices/:id', async (req, res) => {
    const body = validatePricePatch(req.body);
    checkCards(body);
    const updated = await billing.prices.update(param(req, 'id'), body, who(res));
    if (!updated) throw errors.notFound(`No price '${param(req, 'id')}'.`);
    await billing.refresh();
    res.json(priceView(updated));
  });
  r.delete('/prices/:id', async (req, res) => {
    if (!(await billing.prices.remove(param(req, 'id'), who(res)))) throw errors.notFound(`No price '${param(req, 'id')}'.`);
    await billing.refresh();
    res.status(204).end();
  });

  r.get('/accounts', async (req, res) => {
    const kind = typeof req.query.kind === 'string' ? req.query.kind : undefined;
    const after = typeof req.query.after === 'string' ? req.query.after : undefined;
    res.json({ data: await listAccounts(db, { kind, after, limit: limitOf(req) }) });
  });
  r.post('/accounts', async (req, res) => {
    const body = validateAccount(req.body);
    const id = payerAccountId(body.kind, body.ownerId);
    await ensureAccount(db, id);
    if (body.creditLimit !== undefined) await setCreditLimit(id, body.creditLimit);
    res.status(201).json(await getAccount(db, id));
  });
  r.get('/accounts/:id', async (req, res) => {
    const account = await getAccount(db, accountParam(req));
    if (!account) throw errors.notFound(`No account '${param(req, 'id')}'.`);
    res.json(account);
  });
  r.patch('/accounts/:id', async (req, res) => {
    const body = validateAccountPatch(req.body);
    const id = accountParam(req);
    await setCreditLimit(id, body.creditLimit);
    res.json(await getAccount(db, id));
  });
  r.post('/accounts/:id/topups', async (req, res) => {
    const body = validateCredit(req.body);
    const id = accountParam(req);
    await addCredit(db, { accountId: id, amount: amountOf(body, { positive: true }), kind: 'topup', memo: body.memo ?? 'admin top-up', createdBy: who(res) ?? undefined });
    res.status(201).json(await getAccount(db, id));
  });
  r.post('/accounts/:id/grants', async (req, res) => {
    const body = validateCredit(req.body);
    const id = accountParam(req);
    const expiresAt = body.expiresAt ?? (body.expiresInDays ? Date.now() + body.expiresInDays * 86_400_000 : null);
    const { grantId } = await addCredit(db, { accountId: id, amount: amountOf(body, { positive: true }), kind: 'grant', expiresAt, memo: body.memo ?? 'admin grant', createdBy: who(res) ?? undefined });
    res.status(201).json({ grantId, account: await getAccount(db, id) });
  });
  r.post('/accounts/:id/adjustments', async (req, res) => {
    const body = validateCredit(req.body);
    const id = accountParam(req);
    if (!(await adjust(db, id, amountOf(body, { positive: false }), body.memo ?? 'adjustment', who(res) ?? undefined))) {
      throw errors.invalidRequest('The adjustment would take the balance below its credit line.', 'amount', 'insufficient_credits');
    }
    res.status(201).json(await getAccount(db, id));
  });
  r.get('/accounts/:id/grants', async (req, res) => {
    const rows = await db('billing_grants').where({ account_id: accountParam(req) }).orderBy('created_at', 'desc').limit(limitOf(req));
    res.json({
      data: rows.map((g: Record<string, unknown>) => ({ id: g.id, kind: g.kind, amount: Number(g.amount), remaining: Number(g.remaining), expiresAt: g.expires_at === null ? null : Number(g.expires_at), memo: g.memo, createdAt: Number(g.created_at) })),
    });
  });
  r.get('/accounts/:id/ledger', async (req, res) => {
    const before = req.query.before === undefined ? undefined : Number(req.query.before);
    res.json({ data: await listEntries(db, { accountId: accountParam(req), limit: limitOf(req), before }) });
  });
  r.post('/accounts/:id/checkout', async (req, res) => {
    const body = validateCheckout(req.body);
    const id = accountParam(req);
    await ensureAccount(db, id);
    res.status(201).json(await startCheckout(db, billing.payments, { provider: body.provider, accountId: id, amount: amountOf(body, { positive: true }), returnUrl: body.returnUrl }));
  });

  r.get('/ledger', async (req, res) => {
    const before = req.query.before === undefined ? undefined : Number(req.query.before);
    const requestId = typeof req.query.requestId === 'string' ? req.query.requestId : undefined;
    const accountId = typeof req.query.account === 'string' ? req.query.account : undefined;
    res.json({ data: await listEntries(db, { requestId, accountId, limit: limitOf(req), before }) });
  });
  r.get('/settlements', async (req, res) => {
    const q = db('billing_settlements').orderBy('created_at', 'desc').limit(limitOf(req));
    if (typeof req.query.requestId === 'string') q.where({ request_id: req.query.requestId });
    if (typeof req.query.account === 'string') q.where({ account_id: req.query.account });
    res.json({ data: (await q).map(settlementView) });
  });
  r.get('/audit', async (_req, res) => {
    res.json(await audit(db));
  });
  r.post('/reconcile', async (_req, res) => {
    await billing.refresh();
    res.json(await billing.reconcile());
  });

  r.get('/budgets', async (_req, res) => {
    const list = await billing.budgets.list();
    const bound = bindWindows(list, Date.now());
    const spend = await readSpend(db, bound.map((b) => b.window));
    res.json({ data: bound.map(({ budget, window }) => ({ ...budget, window: window.periodKey, spent: spentIn(spend, window) })) });
  });
  r.put('/budgets', async (req, res) => {
    const body = validateBudget(req.body);
    const saved = await billing.budgets.put({ scope: body.scope, scopeId: body.scopeId, period: body.period, softLimit: body.softLimit ?? null, hardLimit: body.hardLimit ?? null });
    await billing.refresh();
    res.json(saved);
  });
  r.patch('/budgets/:id', async (req, res) => {
    const updated = await billing.budgets.update(param(req, 'id'), validateBudgetPatch(req.body));
    if (!updated) throw errors.notFound(`No budget '${param(req, 'id')}'.`);
    await billing.refresh();
    res.json(updated);
  });
  r.delete('/budgets/:id', async (req, res) => {
    if (!(await billing.budgets.remove(param(req, 'id')))) throw errors.notFound(`No budget '${param(req, 'id')}'.`);
    await billing.refresh();
    res.status(204).end();
  });
  return r;
}

/**
 * What answers without authentication, under /api/public: the model and price list (when the
 * operator turned it on) and payment providers' webhooks (authenticated by their signatures).
 */
export function publicBillingRoutes(deps: { billing: BillingService; catalog: Catalog }): Router {
  const { billing, catalog } = deps;
  const r = Router();
  r.get('/models', (_req, res) => {
    if (!billing.settings.publicModels) throw errors.notFound('The public model list is not enabled.', null, 'unknown_url');
    res.json({
      object: 'list',
      data: catalog.models().map((m) => ({ id: m.id, object: 'model', owned_by: m.providerId, ...modelExtras(catalog, (p, u) => billing.priceFor(p, u), m) })),
    });
  });
  r.post('/payments/:provider/webhook', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    res.json(await handleWebhook(billing.db, billing.payments, param(req, 'provider'), { headers: req.headers, rawBody }));
  });
  return r;
}
