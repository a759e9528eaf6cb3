import type { CredentialRepo } from '../repos/credentials';
import type { ModelRepo } from '../repos/models';
import type { ProviderRepo } from '../repos/providers';
import type { ConfigFile } from './config-file';

interface Repos {
  providers: ProviderRepo;
  credentials: CredentialRepo;
  models: ModelRepo;
}

/**
 * Makes the database match the config file for everything the file declares. Records that
 * came from the file before but are gone from it now are removed; records created through the
 * API are never touched.
 */
export async function applyConfig(cfg: ConfigFile, repos: Repos): Promise<void> {
  const declaredProviders = new Set(cfg.providers.map((p) => p.id));
  for (const p of cfg.providers) {
    await repos.providers.upsert({ id: p.id, plugin: p.plugin, name: p.name ?? p.id, settings: p.settings ?? {}, enabled: p.enabled ?? true, source: 'config' });
    const existing = (await repos.credentials.list(p.id)).filter((c) => c.source === 'config');
    const declared = new Set<string>();
    for (const c of p.credentials ?? []) {
      // Deterministic ids: restarting updates the same credential instead of adding another.
      const id = `cfg_${p.id}_${c.name}`;
      declared.add(id);
      if (existing.some((e) => e.id === id)) await repos.credentials.update(id, { secret: c.secret, weight: c.weight ?? 1, name: c.name });
      else await repos.credentials.create({ id, providerId: p.id, name: c.name, secret: c.secret, weight: c.weight ?? 1, source: 'config' });
    }
    for (const e of existing) if (!declared.has(e.id)) await repos.credentials.remove(e.id);
  }
  for (const p of await repos.providers.list()) {
    if (p.source === 'config' && !declaredProviders.has(p.id)) await repos.providers.remove(p.id);
  }

  const declaredModels = new Set(cfg.models.map((m) => m.id));
  for (const m of cfg.models) {
    await repos.models.upsert({
      id: m.id,
      providerId: m.provider,
      upstreamModel: m.upstreamModel ?? m.id,
      aliases: m.aliases ?? [],
      capabilities: (m.capabilities ?? []) as never,
      enabled: true,
      source: 'config',
    });
  }
  for (const m of await repos.models.list()) {
    if (m.source === 'config' && !declaredModels.has(m.id)) await repos.models.remove(m.id);
  }
}
