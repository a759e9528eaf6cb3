import type { ModelRepo } from './repos/models';
import type { ProviderRepo } from './repos/providers';

/** On an empty database, the mock provider and its models, so a fresh install works with no keys. */
export async function seedMockProvider(repos: { providers: ProviderRepo; models: ModelRepo }): Promise<boolean> {
  if ((await repos.providers.count()) > 0) return false;
  await repos.providers.upsert({ id: 'mock', plugin: 'mock', name: 'Mock (testing only)', settings: {}, enabled: true, source: 'seed' });
  const models = [
    { id: 'mock-chat', aliases: ['mock'], capabilities: ['chat', 'streaming', 'tools', 'json'] },
    { id: 'mock-embed', aliases: [], capabilities: ['embeddings'] },
    { id: 'mock-image', aliases: [], capabilities: ['images'] },
  ] as const;
  for (const m of models) {
    await repos.models.upsert({ id: m.id, providerId: 'mock', upstreamModel: m.id, aliases: [...m.aliases], capabilities: [...m.capabilities], enabled: true, source: 'seed' });
  }
  return true;
}
