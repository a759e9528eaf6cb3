import type { Logger, PluginContext, ProviderInstance, ProviderPlugin } from '@switchyard/spec';
import type { PluginRegistry } from '@switchyard/core';
import type { CredentialRepo } from '../repos/credentials';
import type { ModelRecord, ModelRepo } from '../repos/models';
import type { ProviderRecord, ProviderRepo } from '../repos/providers';
import { CredentialPool } from './credential-pool';
import { validateSettings } from './settings-validator';

export interface ProviderEntry {
  record: ProviderRecord;
  plugin?: ProviderPlugin;
  /** Absent when the provider cannot run; `problem` says why. */
  instance?: ProviderInstance;
  problem?: string;
  pool: CredentialPool;
}

export interface Route {
  /** The public model name that matched. */
  modelId: string;
  provider: ProviderEntry;
  upstreamModel: string;
}

interface Snapshot {
  providers: Map<string, ProviderEntry>;
  /** Model ids and aliases, to their model record. */
  models: Map<string, ModelRecord>;
  modelList: ModelRecord[];
}

/**
 * The in-memory view of providers, credentials and models that the request path reads.
 * Built from the database at start and rebuilt (then swapped in whole) after every change, so a
 * request never waits on I/O to find its route.
 */
export class Catalog {
  private snapshot: Snapshot = { providers: new Map(), models: new Map(), modelList: [] };
  private reloading: Promise<void> | undefined;
  private reloadAgain = false;

  constructor(
    private readonly deps: {
      registry: PluginRegistry;
      providers: ProviderRepo;
      models: ModelRepo;
      credentials: CredentialRepo;
      logger: Logger;
      hostVersion: string;
    },
  ) {}

  /** Rebuilds the snapshot. Concurrent calls coalesce; the last change always wins. */
  async reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      try {
        do {
          this.reloadAgain = false;
          await this.build();
        } while (this.reloadAgain);
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }

  private async build(): Promise<void> {
    const [providerRecords, modelRecords, credentials] = await Promise.all([
      this.deps.providers.list(),
      this.deps.models.list(),
      this.deps.credentials.listUnlocked(),
    ]);
    const old = this.snapshot.providers;
    const providers = new Map<string, ProviderEntry>();
    for (const record of providerRecords) {
      const creds = credentials.filter((c) => c.providerId === record.id);
      const pool = new CredentialPool(record.id, creds, (change) => {
        this.deps.credentials.setState(change.credentialId, change.state, change.reason, change.cooldownUntil).catch((err: Error) => {
          this.deps.logger.error({ err: err.message, credential: change.credentialId }, 'could not persist credential state');
        });
      });
      providers.set(record.id, this.createEntry(record, pool, old.get(record.id)));
    }
    // Close instances that were replaced or removed, after the swap.
    const retired = [...old.values()].filter((e) => e.instance && providers.get(e.record.id)?.instance !== e.instance);

    const models = new Map<string, ModelRecord>();
    const modelList: ModelRecord[] = [];
    for (const m of modelRecords) {
      if (!m.enabled || !providers.has(m.providerId)) continue;
      modelList.push(m);
      models.set(m.id, m);
    }
    for (const m of modelList) {
      for (const alias of m.aliases) {
        if (models.has(alias)) this.deps.logger.warn({ alias, model: m.id }, 'model alias shadows another model or alias; ignored');
        else models.set(alias, m);
      }
    }
    this.snapshot = { providers, models, modelList };
    for (const e of retired) await e.instance!.close?.().catch(() => undefined);
  }

  private createEntry(record: ProviderRecord, pool: CredentialPool, previous: ProviderEntry | undefined): ProviderEntry {
    const plugin = this.deps.registry.get('provider', record.plugin);
    if (!record.enabled) return { record, plugin, pool, problem: 'disabled' };
    if (!plugin) return { record, pool, problem: `provider plugin '${record.plugin}' is not loaded` };
    // Keep the live instance (and its connection pools) when nothing about it changed.
    if (previous?.instance && previous.plugin === plugin && JSON.stringify(previous.record.settings) === JSON.stringify(record.settings)) {
      return { record, plugin, instance: previous.instance, pool };
    }
    const settings = validateSettings(plugin.manifest.settingsSchema, record.settings);
    if (!settings.ok) {
      const problem = `invalid settings: ${settings.errors.join('; ')}`;
      this.deps.logger.error({ provider: record.id }, problem);
      return { record, plugin, pool, problem };
    }
    const ctx: PluginContext = { hostVersion: this.deps.hostVersion, logger: this.deps.logger };
    try {
      return { record, plugin, instance: plugin.createProvider(settings.value, ctx), pool };
    } catch (err) {
      const problem = `failed to start: ${(err as Error).message}`;
      this.deps.logger.error({ provider: record.id }, problem);
      return { record, plugin, pool, problem };
    }
  }

  /**
   * Finds where a model name goes: a model id or alias, or `<provider>/<upstream model>` for
   * a provider's model that has no entry of its own.
   */
  resolve(name: string): Route | undefined {
    const m = this.snapshot.models.get(name);
    if (m) {
      const provider = this.snapshot.providers.get(m.providerId)!;
      return { modelId: m.id, provider, upstreamModel: m.upstreamModel };
    }
    const slash = name.indexOf('/');
    if (slash > 0) {
      const provider = this.snapshot.providers.get(name.slice(0, slash));
      if (provider) return { modelId: name, provider, upstreamModel: name.slice(slash + 1) };
    }
    return undefined;
  }

  provider(id: string): ProviderEntry | undefined {
    return this.snapshot.providers.get(id);
  }

  providers(): ProviderEntry[] {
    return [...this.snapshot.providers.values()];
  }

  /** Enabled models whose provider exists, in id order. */
  models(): ModelRecord[] {
    return this.snapshot.modelList;
  }

  async close(): Promise<void> {
    for (const e of this.snapshot.providers.values()) await e.instance?.close?.().catch(() => undefined);
  }
}
