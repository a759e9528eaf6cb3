import type { PluginRegistry } from '@switchyard/core';
import type { BudgetCheck, BudgetDecision, Logger, PriceCard } from '@switchyard/spec';
import type { Catalog } from '../catalog/catalog';
import { isPostgres, type Db } from '../db/connect';
import type { LocalJournal } from '../journal/local-journal';
import { openChargeJournal, recoverCharges } from './ledger/charge-journal';
import type { LeaseChargeInput } from './ledger/lease-ops';
import { LeaseBook } from './ledger/leases';
import { createLedgerWriter, type LedgerWriter } from './ledger/ledger-batch';
import type { GatewayHooks } from '../dispatch/hooks';
import { billingHooks } from './billing-hooks';
import { bindWindows, BudgetBook, msUntilWindowEnds } from './budgets/budget-guard';
import { BudgetRepo } from './budgets/budget-repo';
import { readSpend, spentIn } from './budgets/budget-usage';
import { BillingEvents } from './events';
import { payerAccountId } from './ledger/accounts';
import { addCredit, expireGrants } from './ledger/credits';
import { releaseExpiredHolds } from './ledger/reconcile';
import { PaymentProviders } from './payments/payment-provider';
import { PriceBook, type ResolvedPrice } from './prices/price-book';
import { PriceRepo } from './prices/price-repo';
import { seedListPrices } from './prices/seed-prices';
import { RuleHost } from './rules/rule-host';
import { mergeSettings, SettingsStore, type BillingSettings } from './settings';
import { warmEncoders } from './tokens/encoders';

export interface BillingDeps {
  db: Db;
  registry: PluginRegistry;
  catalog: Catalog;
  logger: Logger;
  /** Run reconciliation on a timer (default true; tests drive it by hand). */
  timers?: boolean;
  /** This instance (recorded on its credit leases; names its charge journal). */
  instanceId?: string;
  /** Where the charge journal lives (credit leases); without it, charges are only in memory until written. */
  dataDir?: string;
}

/**
 * Billing: prices, the credit ledger, budgets and the active billing rule. Everything the request
 * path reads (settings, prices, budgets) is held in memory and re-read after each change made here,
 * and every reconciliation interval for changes made by other instances.
 */
export class BillingService {
  readonly events = new BillingEvents();
  readonly payments = new PaymentProviders();
  readonly prices: PriceRepo;
  readonly budgets: BudgetRepo;
  readonly rules: RuleHost;
  readonly hooks: GatewayHooks;
  /**
   * Reservations and settlements of requests in flight share commits (one fsync, one round of row
   * locks, for all that arrived while the previous commit ran). PostgreSQL commits on several
   * connections at once: payers are spread over a few lanes.
   */
  readonly ledger: LedgerWriter;
  /** Credit leases: reservations in memory, charges written after the answer (settings.leases). */
  readonly leases: LeaseBook;
  private readonly chargeJournal?: LocalJournal<LeaseChargeInput>;
  private readonly instanceId: string;
  private readonly settingsStore: SettingsStore;
  private readonly priceBook = new PriceBook();
  private readonly budgetBook = new BudgetBook();
  private timer?: NodeJS.Timeout;
  private timerInterval = 0;
  private ticking?: Promise<void>;

  private constructor(private readonly deps: BillingDeps) {
    // Batches of up to 256: with credit leases one request is one charge, and traffic outruns 64 per commit.
    this.ledger = createLedgerWriter(deps.db, { lanes: isPostgres(deps.db) ? 4 : 1, maxBatch: 256 });
    this.instanceId = deps.instanceId ?? `gw_${process.pid}_${Date.now().toString(36)}`;
    this.chargeJournal = deps.dataDir ? openChargeJournal(deps.dataDir, this.instanceId, deps.logger) : undefined;
    this.leases = new LeaseBook({
      db: deps.db,
      ledger: this.ledger,
      logger: deps.logger,
      owner: this.instanceId,
      journal: this.chargeJournal,
      sizing: () => ({ size: this.settings.leases.size, idleMs: this.settings.leases.idleSeconds * 1000, ttlMs: this.settings.holdTtlSeconds * 1000 }),
    });
    this.prices = new PriceRepo(deps.db);
    this.budgets = new BudgetRepo(deps.db);
    this.settingsStore = new SettingsStore(deps.db);
    this.rules = new RuleHost(deps.registry, deps.logger);
    this.hooks = billingHooks({
      db: deps.db,
      ledger: this.ledger,
      leases: this.leases,
      logger: deps.logger,
      events: this.events,
      rules: this.rules,
      budgets: this.budgetBook,
      settings: () => this.settingsStore.current,
      priceFor: (providerId, upstreamModel) => this.priceFor(providerId, upstreamModel),
    });
  }

  /** Loads settings, seeds list prices, returns holds left by a crash, and starts the timer. */
  static async start(deps: BillingDeps): Promise<BillingService> {
    const service = new BillingService(deps);
    await service.settingsStore.load();
    const seeded = await seedListPrices(service.prices);
    if (seeded > 0) deps.logger.info({ count: seeded }, 'billing: seeded list prices');
    await service.refresh();
    await service.reconcile();
    if (deps.timers !== false) {
      service.schedule();
      service.leases.start();
    }
    // The first reservation should not wait for the tokenizer's tables.
    if (service.settings.mode === 'credits') service.warmTokenizers();
    return service;
  }

  get db(): Db {
    return this.deps.db;
  }

  get settings(): BillingSettings {
    return this.settingsStore.current;
  }

  /** Loads the tokenizers of the catalog's models in the background (reservations count prompts). */
  private warmTokenizers(): void {
    void warmEncoders(this.deps.catalog.models().map((m) => m.upstreamModel)).catch(() => undefined);
  }

  /** Re-reads settings, prices and budgets from the database. */
  async refresh(): Promise<void> {
    const settings = await this.settingsStore.load();
    this.priceBook.load(await this.prices.list(), settings);
    this.budgetBook.load(await this.budgets.list());
    // A new reconciliation interval (changed here or on another instance) applies at once, not after the old one.
    if (this.timer && settings.reconcileIntervalSeconds * 1000 !== this.timerInterval) {
      this.stop();
      this.schedule();
    }
  }

  /** Applies a settings patch after checking it (and the rule's plugin settings). Returns the problems, if any. */
  async updateSettings(patch: Record<string, unknown>): Promise<{ ok: true; value: BillingSettings } | { ok: false; errors: string[] }> {
    const merged = mergeSettings(this.settings, patch);
    if (!merged.ok) return merged;
    const ruleProblems = this.rules.check(merged.value.rule);
    if (ruleProblems.length) return { ok: false, errors: ruleProblems.map((p) => `rule: ${p}`) };
    await this.settingsStore.save(merged.value);
    await this.refresh();
    if (merged.value.mode === 'credits') this.warmTokenizers();
    return merged;
  }

  /**
   * Writes the charges that killed instances on this machine left in their journals, returns
   * expired holds and removes what is left of expired grants. Safe to run on every instance at once.
   */
  async reconcile(now = Date.now()): Promise<{ holds: number; grants: number }> {
    // Charges first: they belong to leases that may be about to expire.
    if (this.deps.dataDir) await recoverCharges({ dataDir: this.deps.dataDir, instanceId: this.instanceId, ledger: this.ledger, logger: this.deps.logger });
    const holds = await releaseExpiredHolds(this.deps.db, now);
    const grants = await expireGrants(this.deps.db, now);
    if (holds > 0) {
      this.deps.logger.warn({ count: holds }, 'billing: released holds that outlived their time to live');
      this.events.emit('holds.expired', { count: holds });
    }
    if (grants > 0) this.events.emit('grants.expired', { count: grants });
    return { holds, grants };
  }

  private schedule(): void {
    const interval = this.settings.reconcileIntervalSeconds * 1000;
    this.timerInterval = interval;
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.ticking = (async () => {
        try {
          await this.refresh(); // reschedules when the interval changed
          await this.reconcile();
        } catch (err) {
          this.deps.logger.error({ err: (err as Error).message }, 'billing: reconciliation failed');
        } finally {
          this.ticking = undefined;
        }
      })();
    }, interval);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Waits for a reconciliation tick in progress, writes decided charges and gives leases back (clean shutdown). */
  async close(): Promise<void> {
    this.stop();
    await this.ticking;
    await this.leases.close();
    await this.ledger.drain();
    this.chargeJournal?.close();
  }

  /** The price of a provider's model, from memory. */
  priceFor(providerId: string, upstreamModel: string): ResolvedPrice | undefined {
    const plugin = this.deps.catalog.provider(providerId)?.record.plugin ?? providerId;
    return this.priceBook.resolve(providerId, plugin, upstreamModel);
  }

  /** For pipelines' lowest-cost router: the users' price card of a provider's model. */
  priceOf(providerId: string, upstreamModel: string): PriceCard | undefined {
    return this.priceFor(providerId, upstreamModel)?.price;
  }

  /** For pipelines' budget nodes: is the caller's budget in this scope used up? */
  async checkBudget(check: BudgetCheck, now = Date.now()): Promise<BudgetDecision> {
    const bound = bindWindows(
      this.budgetBook.forPrincipal(check.principal).filter((b) => b.scope === check.scope && b.hardLimit !== null),
      now,
    );
    if (bound.length === 0) return { allowed: true };
    const spend = await readSpend(this.deps.db, bound.map((b) => b.window));
    let remaining = Infinity;
    for (const b of bound) {
      const left = b.budget.hardLimit! - spentIn(spend, b.window);
      if (left <= 0) {
        return { allowed: false, message: `The ${b.budget.period}ly budget for this ${b.budget.scope} is used up (resets in ${Math.ceil(msUntilWindowEnds(b.budget.period, now) / 60_000)} minutes).`, remainingCredits: 0 };
      }
      remaining = Math.min(remaining, left);
    }
    return { allowed: true, remainingCredits: remaining / 1_000_000 };
  }

  /**
   * Self-service sign-up: gives a new user the starter credits, when sign-up is open. Idempotent
   * per user. The identity feature calls this when it creates a user.
   */
  async onUserCreated(userId: string): Promise<{ granted: number }> {
    const { open, starterCredits, starterExpiresDays } = this.settings.signup;
    if (!open || starterCredits <= 0) return { granted: 0 };
    const result = await addCredit(this.deps.db, {
      accountId: payerAccountId('user', userId),
      amount: starterCredits,
      kind: 'signup',
      expiresAt: starterExpiresDays ? Date.now() + starterExpiresDays * 86_400_000 : null,
      externalId: `signup:${userId}`,
      memo: 'starter credits',
      createdBy: 'signup',
    });
    return { granted: result.added ? starterCredits : 0 };
  }
}
