import { errors, HOST_VERSION, type PluginRegistry } from '@switchyard/core';
import type { Logger, TargetRef } from '@switchyard/spec';
import type { ProviderEntry, Route } from '../catalog/catalog';
import { CredentialPool } from '../catalog/credential-pool';
import type { TargetRouter } from './target-routes';

/**
 * For test runs with `useMock`: every target goes to one instance of the mock provider plugin
 * (echo replies, no upstream, no credentials), whatever provider the graph names, so an
 * operator can try a graph's routing without spending anything.
 */
export class MockTargetRouter implements TargetRouter {
  private entry: ProviderEntry | undefined;

  constructor(
    private readonly registry: PluginRegistry,
    private readonly logger: Logger,
  ) {}

  private provider(): ProviderEntry {
    if (this.entry) return this.entry;
    const plugin = this.registry.get('provider', 'mock');
    if (!plugin) throw errors.invalidRequest('useMock needs the mock provider plugin, which is not loaded.', 'useMock', 'mock_unavailable');
    const now = Date.now();
    this.entry = {
      record: { id: 'mock', plugin: 'mock', name: 'Mock (test runs)', settings: {}, enabled: true, source: 'seed', createdAt: now, updatedAt: now },
      plugin,
      instance: plugin.createProvider({}, { hostVersion: HOST_VERSION, logger: this.logger }),
      pool: new CredentialPool('mock', [], () => undefined),
    };
    return this.entry;
  }

  route(target: TargetRef): Route {
    return { modelId: `mock/${target.model}`, provider: this.provider(), upstreamModel: target.model };
  }

  async close(): Promise<void> {
    await this.entry?.instance?.close?.().catch(() => undefined);
  }
}
