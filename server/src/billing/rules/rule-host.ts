import { GatewayError, type PluginRegistry } from '@switchyard/core';
import type { BillableUsage, BillingContext, BillingRule, Logger } from '@switchyard/spec';
import { validateSettings } from '../../catalog/settings-validator';

/** The default rule, and the plain valuation other rules and provider costs are measured with. */
export const BASE_RULE = 'token-rates';

type EstimateInput = Parameters<BillingRule['estimate']>[0];

/**
 * Runs the active billing rule from its plugin. A rule's answer is checked: a fraction is rounded
 * up; a negative, non-finite or thrown answer is a bug in the rule, logged, and replaced by the
 * plain price, so a broken plugin can neither give credit away nor fail requests.
 */
export class RuleHost {
  private cached?: { key: string; plugin: unknown; rule: BillingRule; id: string };
  private baseCached?: { plugin: unknown; rule: BillingRule };

  constructor(
    private readonly registry: PluginRegistry,
    private readonly logger: Logger,
  ) {}

  /** The loaded billing plugins, for the console's rule picker (its form is drawn from the schema). */
  available(): Array<{ id: string; name: string; description?: string; settingsSchema?: Record<string, unknown> }> {
    return this.registry.list('billing').map((p) => ({ id: p.manifest.id, name: p.manifest.name, description: p.manifest.description, settingsSchema: p.manifest.settingsSchema }));
  }

  /** Checks a rule setting before it is saved: the plugin is loaded and its settings validate. */
  check(rule: { plugin: string; settings: Record<string, unknown> }): string[] {
    const plugin = this.registry.get('billing', rule.plugin);
    if (!plugin) return [`no billing plugin '${rule.plugin}' is loaded`];
    const v = validateSettings(plugin.manifest.settingsSchema, rule.settings);
    if (!v.ok) return v.errors;
    try {
      plugin.createRule(v.value, { hostVersion: this.registry.hostVersion, logger: this.logger });
      return [];
    } catch (err) {
      return [(err as Error).message];
    }
  }

  /** The plain valuation (token rates, no settings). Without it there is no way to price anything. */
  base(): BillingRule {
    const plugin = this.registry.get('billing', BASE_RULE);
    if (!plugin) {
      throw new GatewayError({ status: 503, type: 'server_error', code: 'billing_unavailable', message: `Billing is unavailable: the '${BASE_RULE}' billing plugin is not loaded.`, retryable: false });
    }
    if (this.baseCached?.plugin !== plugin) this.baseCached = { plugin, rule: plugin.createRule({}, { hostVersion: this.registry.hostVersion, logger: this.logger }) };
    return this.baseCached.rule;
  }

  /** The active rule, built once per setting (falls back to the base rule if it cannot run). */
  active(setting: { plugin: string; settings: Record<string, unknown> }): { id: string; rule: BillingRule } {
    const plugin = this.registry.get('billing', setting.plugin);
    const key = JSON.stringify(setting);
    if (this.cached && this.cached.key === key && this.cached.plugin === plugin) return this.cached;
    let built: { id: string; rule: BillingRule } | undefined;
    if (!plugin) {
      this.logger.error({ rule: setting.plugin }, `billing rule '${setting.plugin}' is not loaded; charging with '${BASE_RULE}'`);
    } else {
      const v = validateSettings(plugin.manifest.settingsSchema, setting.settings);
      if (!v.ok) this.logger.error({ rule: setting.plugin, problems: v.errors }, `billing rule '${setting.plugin}' has invalid settings; charging with '${BASE_RULE}'`);
      else {
        try {
          built = { id: setting.plugin, rule: plugin.createRule(v.value, { hostVersion: this.registry.hostVersion, logger: this.logger }) };
        } catch (err) {
          this.logger.error({ rule: setting.plugin, err: (err as Error).message }, `billing rule '${setting.plugin}' failed to start; charging with '${BASE_RULE}'`);
        }
      }
    }
    built ??= { id: BASE_RULE, rule: this.base() };
    this.cached = { key, plugin, ...built };
    return built;
  }

  /** The rule's estimate, checked. */
  estimate(rule: { id: string; rule: BillingRule }, input: EstimateInput, ctx: BillingContext): number {
    return this.checked(rule.id, 'estimate', () => rule.rule.estimate(input, ctx), () => this.base().estimate(input, ctx));
  }

  /** The rule's charge, checked. */
  charge(rule: { id: string; rule: BillingRule }, input: BillableUsage, ctx: BillingContext): number {
    return this.checked(rule.id, 'charge', () => rule.rule.charge(input, ctx), () => this.base().charge(input, ctx));
  }

  private checked(id: string, what: string, run: () => number, plain: () => number): number {
    let value: number;
    try {
      value = run();
    } catch (err) {
      this.logger.error({ rule: id, err: (err as Error).message }, `billing rule '${id}' threw in ${what}; using the plain price`);
      return plain();
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      this.logger.error({ rule: id, value: String(value) }, `billing rule '${id}' returned an invalid ${what}; using the plain price`);
      return plain();
    }
    return Math.ceil(value);
  }
}
