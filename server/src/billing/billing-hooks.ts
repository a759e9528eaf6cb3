import type { GatewayError } from '@switchyard/core';
import type { BillingContext, Logger, PeriodUsage, PriceCard } from '@switchyard/spec';
import type { Db } from '../db/connect';
import type { LedgerWriter } from './ledger/ledger-batch';
import type { DecidedCharge, Lease, LeaseBook } from './ledger/leases';
import type { AttemptBilling, AttemptRecord, AttemptStart, GatewayHooks } from '../dispatch/hooks';
import { attemptUsage, tokensOf } from './attempt-usage';
import { bindWindows, crossings, enforceHardLimits, type BoundBudget, type BudgetBook } from './budgets/budget-guard';
import { addSpendAndRead } from './budgets/budget-usage';
import { insufficientCredits, modelNotPriced } from './errors';
import type { BillingEvents } from './events';
import { payerOf } from './ledger/accounts';
import { decimalToMicros } from './money';
import { release, reserve, settle, type SettlementDetails } from './ledger/holds';
import type { ResolvedPrice } from './prices/price-book';
import type { RuleHost } from './rules/rule-host';
import type { BillingSettings } from './settings';
import { tokenizerFor } from './tokens/encoders';
import { measureRequest, type RequestMeasure } from './tokens/measure-request';

export interface HookDeps {
  db: Db;
  /** Runs the ledger's units of work (reserve, settle, release): group-committed on the request path. */
  ledger: LedgerWriter;
  /** Credit leases, when settings turn them on (and the rule does not read the month so far). */
  leases: LeaseBook;
  logger: Logger;
  events: BillingEvents;
  rules: RuleHost;
  budgets: BudgetBook;
  settings(): BillingSettings;
  priceFor(providerId: string, upstreamModel: string): ResolvedPrice | undefined;
}

/** What beforeAttempt hands to afterAttempt for one attempt. */
interface AttemptToken {
  mode: BillingSettings['mode'];
  payer?: string;
  holdId: string | null;
  reserved: number;
  price?: ResolvedPrice;
  measure?: RequestMeasure;
  bound: BoundBudget[];
  rule?: ReturnType<RuleHost['active']>;
  /** Reserved from this instance's credit lease instead of a hold of its own. */
  lease?: Lease;
}

const context = (start: AttemptStart, price: PriceCard, account: string, periodUsage?: PeriodUsage): BillingContext => ({
  model: start.modelId,
  endpoint: start.endpoint,
  price,
  account: { id: account, periodUsage },
});

/** Provider cost (micro-USD) in micro-credits at the configured rate, rounded up. */
function usdToCredits(microUsd: number, creditsPerUsd: string): number {
  return Number((BigInt(microUsd) * BigInt(decimalToMicros(creditsPerUsd)) + 999_999n) / 1_000_000n);
}

/**
 * Billing on the request path. Before each attempt: hard budgets (429), then, when someone pays,
 * the most the request can cost is held in one transaction (402 if it cannot be). After it:
 * the actual cost is settled and the rest returned in one transaction, or everything is returned
 * if the attempt delivered nothing. With nobody to charge and no budgets, no database is touched.
 */
export function billingHooks(deps: HookDeps): GatewayHooks {
  return {
    async beforeAttempt(start) {
      const s = deps.settings();
      const now = Date.now();
      const payer = s.mode === 'credits' ? payerOf(start.principal) : undefined;
      const bound = bindWindows(deps.budgets.forPrincipal(start.principal), now);
      const price = deps.priceFor(start.providerId, start.upstreamModel);
      if (payer && !price && s.unpriced === 'block') throw modelNotPriced(start.modelId);
      await enforceHardLimits(deps.db, bound, now);
      // Every key up front, filled in below: a copy made by a leading spread and given new keys
      // would outlive young-generation collections on Node 20 (docs/performance.md).
      const token: AttemptToken = { mode: s.mode, payer, holdId: null, reserved: 0, price, bound, measure: undefined, rule: undefined, lease: undefined };
      if (!payer) return token;

      const tok = await tokenizerFor(start.upstreamModel);
      const measure = measureRequest(start.endpoint, start.request, tok, price?.maxOutputTokens ?? s.defaultMaxOutputTokens);
      const rule = deps.rules.active(s.rule);
      const card = price?.price ?? {};
      // A rule that prices by the month so far must read it under the payer's lock: no lease.
      if (s.leases.enabled && rule.rule.readsPeriodUsage === false) {
        const amount = deps.rules.estimate(rule, measure, context(start, card, payer));
        const leased = await deps.leases.reserve(payer, amount, now);
        if (!leased.ok) throw insufficientCredits(leased.amount, leased.available);
        token.reserved = amount;
        token.measure = measure;
        token.rule = rule;
        token.lease = leased.lease;
        return token;
      }
      const held = await reserve(deps.ledger, {
        accountId: payer,
        requestId: start.requestId,
        attempt: start.attempt,
        ttlMs: s.holdTtlSeconds * 1000,
        now,
        readsPeriodUsage: rule.rule.readsPeriodUsage !== false,
        amountFor: (period) => deps.rules.estimate(rule, measure, context(start, card, payer, period)),
      });
      if (!held.ok) throw insufficientCredits(held.amount, held.available);
      token.holdId = held.holdId;
      token.reserved = held.amount;
      token.measure = measure;
      token.rule = rule;
      return token;
    },

    async afterAttempt(start, raw, outcome, _error?: GatewayError) {
      const token = raw as AttemptToken | undefined;
      if (!token) return;
      try {
        outcome.billing = await settleAttempt(deps, start, token, outcome);
      } catch (err) {
        // The answer has been produced; failing it now would help nobody. The hold stays open
        // and reconciliation returns it: the payer is not charged for this attempt.
        deps.logger.error({ requestId: start.requestId, err: (err as Error).message }, 'billing: settling an attempt failed; its hold will be released by reconciliation');
        outcome.billing = { mode: token.mode, payer: token.payer, priced: Boolean(token.price), costMicroUsd: 0, chargedMicroCredits: 0, collectedMicroCredits: 0, reservedMicroCredits: token.reserved, error: 'settle_failed' };
      }
      // The figures usage records sum (see AttemptBilling in dispatch/hooks.ts).
      const b = outcome.billing;
      outcome.costMicros = token.price ? usdToCredits(b.costMicroUsd, deps.settings().creditsPerUsd) : undefined;
      outcome.creditsMicros = token.payer ? b.collectedMicroCredits : token.price ? 0 : undefined;
    },
  };
}

async function settleAttempt(deps: HookDeps, start: AttemptStart, token: AttemptToken, outcome: AttemptRecord): Promise<AttemptBilling> {
  const base: AttemptBilling = { mode: token.mode, payer: token.payer, priced: Boolean(token.price), costMicroUsd: 0, chargedMicroCredits: 0, collectedMicroCredits: 0, reservedMicroCredits: token.reserved };
  const used = await attemptUsage(start, outcome, token.measure?.promptTokens);
  const details = (costUsd: number): SettlementDetails => ({
    endpoint: start.endpoint,
    providerId: start.providerId,
    modelId: start.modelId,
    upstreamModel: start.upstreamModel,
    promptTokens: used?.input.usage.prompt_tokens ?? 0,
    completionTokens: used?.input.usage.completion_tokens ?? 0,
    cachedTokens: used?.input.usage.prompt_tokens_details?.cached_tokens ?? 0,
    cacheWriteTokens: used?.input.usage.prompt_tokens_details?.cache_write_tokens ?? 0,
    images: used?.input.images?.count ?? 0,
    countedLocally: used?.countedLocally ?? false,
    costUsd,
  });

  if (!used) {
    // Nothing was delivered: everything held goes back.
    if (token.lease) deps.leases.release(token.lease, token.reserved, { requestId: start.requestId, attempt: start.attempt, details: details(0), budgets: [], now: Date.now() });
    else if (token.payer) await release(deps.ledger, { accountId: token.payer, holdId: token.holdId, reserved: token.reserved, requestId: start.requestId, attempt: start.attempt, details: details(0) });
    return base;
  }

  const plain = deps.rules.base();
  const cost = token.price ? plain.charge(used.input, context(start, token.price.cost, token.payer ?? '')) : 0;
  const card = token.price?.price ?? {};
  // Object.assign, not a leading spread given new keys: Node 20 keeps those past young collections (docs/performance.md).
  const result: AttemptBilling = Object.assign({}, base, { costMicroUsd: cost, usage: used.input.usage, usageCountedLocally: used.countedLocally });

  let spent: number;
  let spendAfter: Map<string, number>;
  if (token.payer && token.lease) {
    const payer = token.payer;
    const ctx = context(start, card, payer);
    const decided = deps.leases.settle(token.lease, token.reserved, {
      requestId: start.requestId,
      attempt: start.attempt,
      details: details(cost),
      budgets: token.bound.map((b) => b.window),
      charged: deps.rules.charge(token.rule!, used.input, ctx),
      gross: plain.charge(used.input, ctx),
      tokens: tokensOf(used.input.usage),
      now: Date.now(),
    });
    Object.assign(result, { chargedMicroCredits: decided.charged, collectedMicroCredits: decided.collected, settlementId: decided.settlementId });
    afterLeaseCharge(deps, start, token, decided);
    return result;
  } else if (token.payer) {
    const payer = token.payer;
    const rule = token.rule!;
    deps.events.emit('settling', {
      start,
      outcome,
      usage: used.input.usage,
      countedLocally: used.countedLocally,
      images: used.input.images?.count ?? 0,
      costMicros: token.price ? usdToCredits(cost, deps.settings().creditsPerUsd) : undefined,
    });
    const settled = await settle(deps.ledger, {
      accountId: payer,
      holdId: token.holdId,
      reserved: token.reserved,
      requestId: start.requestId,
      attempt: start.attempt,
      details: details(cost),
      budgets: token.bound.map((b) => b.window),
      readsPeriodUsage: rule.rule.readsPeriodUsage !== false,
      chargeFor: (period) => ({
        charged: deps.rules.charge(rule, used.input, context(start, card, payer, period)),
        gross: plain.charge(used.input, context(start, card, payer, period)),
        tokens: tokensOf(used.input.usage),
      }),
    });
    spent = settled.charged;
    spendAfter = settled.spendAfter;
    Object.assign(result, { chargedMicroCredits: settled.charged, collectedMicroCredits: settled.collected, settlementId: settled.settlementId });
    announceSettled(deps, start, payer, token.reserved, settled);
  } else {
    // Nobody pays: budgets still count the request at the users' price.
    if (token.bound.length === 0) return result;
    spent = plain.charge(used.input, context(start, card, ''));
    spendAfter = await addSpendAndRead(deps.db, token.bound.map((b) => b.window), spent);
  }
  announceCrossings(deps, token.bound, spendAfter, spent);
  return result;
}

/** The settled event, and a warning when the payer could not cover the whole charge. */
function announceSettled(deps: HookDeps, start: AttemptStart, payer: string, reserved: number, c: { charged: number; collected: number }): void {
  deps.events.emit('settled', { requestId: start.requestId, accountId: payer, charged: c.charged, collected: c.collected, reserved });
  if (c.collected < c.charged) {
    deps.logger.warn({ requestId: start.requestId, account: payer, charged: c.charged, collected: c.collected }, 'billing: the payer ran out of credit mid-request; the shortfall was not collected');
  }
}

function announceCrossings(deps: HookDeps, bound: BoundBudget[], spendAfter: Map<string, number>, spent: number): void {
  for (const c of crossings(bound, spendAfter, spent)) {
    const event = c.kind === 'soft' ? 'budget.soft_limit' : 'budget.hard_limit';
    deps.logger.warn({ budget: c.budget.id, scope: c.budget.scope, scopeId: c.budget.scopeId, window: c.window, spent: c.spent, limit: c.limit }, `billing: ${c.kind} budget limit reached`);
    deps.events.emit(event, c);
  }
}

/**
 * A lease charge is decided (and journaled) now and written after the answer: the settled event
 * goes out at once, budget crossings once the write tells each window's spend.
 */
function afterLeaseCharge(deps: HookDeps, start: AttemptStart, token: AttemptToken, decided: DecidedCharge): void {
  announceSettled(deps, start, token.payer!, token.reserved, decided);
  if (token.bound.length === 0) return;
  void decided.written.then((written) => {
    if (written?.spendAfter) announceCrossings(deps, token.bound, written.spendAfter, decided.charged);
  });
}
