import express, { Router, type Request } from 'express';
import { errors, redactSecrets } from '@switchyard/core';
import type { Catalog } from '../../catalog/catalog';
import { validateSettings } from '../../catalog/settings-validator';
import type { PluginRegistry } from '@switchyard/core';
import type { CredentialRepo } from '../../repos/credentials';
import type { ModelRepo } from '../../repos/models';
import type { ProviderRepo } from '../../repos/providers';
import { compileValidator } from '../../validation/validate';

const ID = '^[a-z0-9][a-z0-9_.-]{0,63}$';

const validateProvider = compileValidator<{ id: string; plugin: string; name?: string; settings?: Record<string, unknown>; enabled?: boolean }>({
  type: 'object',
  required: ['id', 'plugin'],
  additionalProperties: false,
  properties: { id: { type: 'string', pattern: ID }, plugin: { type: 'string' }, name: { type: 'string', maxLength: 200 }, settings: { type: 'object' }, enabled: { type: 'boolean' } },
});

const validateProviderPatch = compileValidator<{ name?: string; settings?: Record<string, unknown>; enabled?: boolean }>({
  type: 'object',
  additionalProperties: false,
  properties: { name: { type: 'string', maxLength: 200 }, settings: { type: 'object' }, enabled: { type: 'boolean' } },
});

const validateCredential = compileValidator<{ name: string; secret: Record<string, string>; weight?: number; enabled?: boolean }>({
  type: 'object',
  required: ['name', 'secret'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    secret: { type: 'object', additionalProperties: { type: 'string' } },
    weight: { type: 'integer', minimum: 0, maximum: 1000 },
    enabled: { type: 'boolean' },
  },
});

const validateCredentialPatch = compileValidator<{ name?: string; secret?: Record<string, string>; weight?: number; enabled?: boolean }>({
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    secret: { type: 'object', additionalProperties: { type: 'string' } },
    weight: { type: 'integer', minimum: 0, maximum: 1000 },
    enabled: { type: 'boolean' },
  },
});

const validateModel = compileValidator<{ id: string; providerId: string; upstreamModel?: string; aliases?: string[]; capabilities?: string[]; enabled?: boolean }>({
  type: 'object',
  required: ['id', 'providerId'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 200 },
    providerId: { type: 'string' },
    upstreamModel: { type: 'string', minLength: 1, maxLength: 200 },
    aliases: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 } },
    capabilities: { type: 'array', items: { type: 'string' } },
    enabled: { type: 'boolean' },
  },
});

export interface CatalogRouteDeps {
  catalog: Catalog;
  registry: PluginRegistry;
  providers: ProviderRepo;
  credentials: CredentialRepo;
  models: ModelRepo;
}

/** Admin CRUD for providers, their credentials, and models. Every change rebuilds the catalog. */
export function catalogRoutes(deps: CatalogRouteDeps): Router {
  const r = Router();
  r.use(express.json({ limit: '1mb' }));

  const checkSettings = (plugin: string, settings: Record<string, unknown> | undefined) => {
    const p = deps.registry.get('provider', plugin);
    if (!p) throw errors.invalidRequest(`No provider plugin '${plugin}' is loaded.`, 'plugin', 'unknown_plugin');
    const v = validateSettings(p.manifest.settingsSchema, settings ?? {});
    if (!v.ok) throw errors.invalidRequest(`Invalid settings: ${v.errors.join('; ')}`, 'settings', 'invalid_settings');
  };
  const view = (id: string) => {
    const entry = deps.catalog.provider(id);
    return entry && { ...entry.record, status: entry.instance ? 'ready' : 'unavailable', problem: entry.problem ?? null, credentials: entry.pool.states() };
  };
  const param = (req: Request, name: string) => String(req.params[name]);

  r.get('/providers', (_req, res) => {
    res.json({ data: deps.catalog.providers().map((e) => view(e.record.id)) });
  });
  r.get('/providers/:id', (req, res) => {
    const v = view(param(req, 'id'));
    if (!v) throw errors.notFound(`No provider '${param(req, 'id')}'.`);
    res.json(v);
  });
  r.post('/providers', async (req, res) => {
    const body = validateProvider(req.body);
    if (await deps.providers.get(body.id)) throw errors.conflict(`Provider '${body.id}' already exists.`, 'id');
    checkSettings(body.plugin, body.settings);
    await deps.providers.upsert({ id: body.id, plugin: body.plugin, name: body.name ?? body.id, settings: body.settings ?? {}, enabled: body.enabled ?? true, source: 'api' });
    await deps.catalog.reload();
    res.status(201).json(view(body.id));
  });
  r.patch('/providers/:id', async (req, res) => {
    const body = validateProviderPatch(req.body);
    const current = await deps.providers.get(param(req, 'id'));
    if (!current) throw errors.notFound(`No provider '${param(req, 'id')}'.`);
    if (body.settings) checkSettings(current.plugin, body.settings);
    await deps.providers.upsert({ ...current, ...body });
    await deps.catalog.reload();
    res.json(view(current.id));
  });
  r.delete('/providers/:id', async (req, res) => {
    if (!(await deps.providers.remove(param(req, 'id')))) throw errors.notFound(`No provider '${param(req, 'id')}'.`);
    await deps.catalog.reload();
    res.status(204).end();
  });

  // A connection test: the upstream's model list with a pooled credential, within 10 s.
  r.post('/providers/:id/test', async (req, res) => {
    const entry = deps.catalog.provider(param(req, 'id'));
    if (!entry) throw errors.notFound(`No provider '${param(req, 'id')}'.`);
    if (!entry.instance) return void res.json({ ok: false, message: `unavailable: ${entry.problem}` });
    if (!entry.instance.listModels) return void res.json({ ok: true, message: 'the plugin is running (it offers no model list to test against)' });
    try {
      const credential = entry.pool.size > 0 ? entry.pool.pick().secret : {};
      const models = await entry.instance.listModels({ signal: AbortSignal.timeout(10_000), credential, requestId: res.locals.requestId });
      res.json({ ok: true, message: `connected: ${models.length} models available` });
    } catch (err) {
      res.json({ ok: false, message: redactSecrets((err as Error).message) });
    }
  });

  r.get('/providers/:id/credentials', async (req, res) => {
    res.json({ data: await deps.credentials.list(param(req, 'id')) });
  });
  r.post('/providers/:id/credentials', async (req, res) => {
    const body = validateCredential(req.body);
    if (!(await deps.providers.get(param(req, 'id')))) throw errors.notFound(`No provider '${param(req, 'id')}'.`);
    const created = await deps.credentials.create({ providerId: param(req, 'id'), ...body });
    await deps.catalog.reload();
    res.status(201).json(created);
  });
  r.patch('/credentials/:id', async (req, res) => {
    const updated = await deps.credentials.update(param(req, 'id'), validateCredentialPatch(req.body));
    if (!updated) throw errors.notFound(`No credential '${param(req, 'id')}'.`);
    await deps.catalog.reload();
    res.json(updated);
  });
  r.delete('/credentials/:id', async (req, res) => {
    if (!(await deps.credentials.remove(param(req, 'id')))) throw errors.notFound(`No credential '${param(req, 'id')}'.`);
    await deps.catalog.reload();
    res.status(204).end();
  });

  r.get('/models', async (_req, res) => {
    res.json({ data: await deps.models.list() });
  });
  r.put('/models/*id', async (req, res) => {
    const id = (req.params.id as unknown as string[]).join('/');
    const body = validateModel({ ...(req.body as object), id });
    if (!(await deps.providers.get(body.providerId))) throw errors.invalidRequest(`No provider '${body.providerId}'.`, 'providerId', 'unknown_provider');
    const saved = await deps.models.upsert({
      id,
      providerId: body.providerId,
      upstreamModel: body.upstreamModel ?? id,
      aliases: body.aliases ?? [],
      capabilities: (body.capabilities ?? []) as never,
      enabled: body.enabled ?? true,
      source: 'api',
    });
    await deps.catalog.reload();
    res.json(saved);
  });
  r.delete('/models/*id', async (req, res) => {
    const id = (req.params.id as unknown as string[]).join('/');
    if (!(await deps.models.remove(id))) throw errors.notFound(`No model '${id}'.`);
    await deps.catalog.reload();
    res.status(204).end();
  });
  return r;
}
