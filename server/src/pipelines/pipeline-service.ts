import { compilePipeline, createNodeTypeRegistry, errors, PipelineValidationError, validatePipeline, type CompiledPipeline, type NodeTypeRegistry, type PluginRegistry } from '@switchyard/core';
import type { Logger, PipelineGraph, PipelineIssue, PipelineStores, Principal, RequestKind } from '@switchyard/spec';
import type { Catalog } from '../catalog/catalog';
import type { Db } from '../db/connect';
import type { GatewayHooks } from '../dispatch/hooks';
import type { AuditActor, AuditInput } from '../identity/audit/audit-log';
import type { CircuitStateReporter } from '../metrics/gateway-metrics';
import { BindingRepo, type BindingKind, type PipelineBinding } from './binding-repo';
import { BindingIndex } from './bindings';
import { applyPipelineConfigs } from './config-apply';
import { readPipelineConfigs } from './config-pipelines';
import { diffGraphs } from './diff';
import type { HostServices } from './host';
import { InvalidPipelineError } from './invalid-pipeline';
import { MockTargetRouter } from './mock-targets';
import { PipelineDispatch } from './pipeline-dispatch';
import { PipelineRepo, type PipelineRecord, type PipelineVersion } from './pipeline-repo';
import { LivePipeline, PipelineRuntime } from './runtime';
import { createPipelineStores } from './stores';
import { CatalogTargetRouter } from './target-routes';
import { testRun } from './test-run';

/** Where pipeline changes are audited (identity's AuditLog fits). */
export interface PipelineAuditSink {
  recordQuietly(input: AuditInput): Promise<void>;
}

/** Who makes a change, for the audit log and the versions' `createdBy`. */
export interface ChangeContext {
  actor?: AuditActor;
  ip?: string | null;
  requestId?: string | null;
}

export interface PipelineServiceDeps {
  db: Db;
  plugins: PluginRegistry;
  catalog: Catalog;
  logger: Logger;
  /** The gateway's combined request hooks (billing, usage): test runs against real targets use them. */
  hooks?: Required<GatewayHooks>;
  /** Prices for the lowest-cost router and budgets for budget nodes (the billing service). */
  billing?: Pick<HostServices, 'priceOf' | 'checkBudget'>;
  /** Told when a target's circuit breaker changes phase (the metrics gauge). */
  circuitReporter?: CircuitStateReporter;
  audit?: PipelineAuditSink;
  /** Stores shared by every instance (Redis when REDIS_URL is set); in memory without. */
  stores?: PipelineStores;
}

export interface BindingSpec {
  aliases?: string[];
  keys?: string[];
  projects?: string[];
  default?: boolean;
}

export interface TestRunOptions {
  version?: number | 'draft' | 'published';
  graph?: PipelineGraph;
  kind?: RequestKind;
  request: Record<string, unknown>;
  headers?: Record<string, string>;
  useMock?: boolean;
  principal?: Principal;
  requestId: string;
  signal: AbortSignal;
}

const RESERVED_IDS = new Set(['bindings', 'validate']);

const createdByOf = (ctx: ChangeContext) => ctx.actor?.label ?? ctx.actor?.id ?? ctx.actor?.type ?? null;

/**
 * Pipelines: storage (draft, numbered immutable versions, bindings), compiling, and swapping
 * the running versions without a restart. The request path reads only memory (`dispatch`).
 */
export class PipelineService {
  readonly nodeTypes: NodeTypeRegistry;
  readonly runtime = new PipelineRuntime();
  readonly repo: PipelineRepo;
  readonly bindingRepo: BindingRepo;
  readonly dispatch: PipelineDispatch;
  private index = new BindingIndex();
  private bindingList: PipelineBinding[] = [];
  /** Why a pipeline's published version is not running (it failed to compile at start). */
  private readonly problems = new Map<string, string>();
  private readonly services: HostServices;
  private readonly router: CatalogTargetRouter;
  private readonly mockRouter: MockTargetRouter;
  private readonly stopFollowing: () => void;
  private readonly locks = new Map<string, Promise<unknown>>();

  private constructor(private readonly deps: PipelineServiceDeps) {
    this.repo = new PipelineRepo(deps.db);
    this.bindingRepo = new BindingRepo(deps.db);
    this.nodeTypes = createNodeTypeRegistry();
    this.stopFollowing = this.nodeTypes.follow(deps.plugins, (pluginId, reasons) => {
      deps.logger.error({ plugin: pluginId, reasons }, 'node plugin refused');
    });
    this.services = { stores: createPipelineStores({ circuitReporter: deps.circuitReporter, shared: deps.stores }), logger: deps.logger, ...deps.billing };
    this.router = new CatalogTargetRouter(deps.catalog);
    this.mockRouter = new MockTargetRouter(deps.plugins, deps.logger);
    this.dispatch = new PipelineDispatch({ runtime: this.runtime, bindings: () => this.index, services: this.services, router: this.router });
  }

  /** Applies the config file's pipelines, then loads every published version and the bindings. */
  static async start(deps: PipelineServiceDeps, configured: readonly unknown[] = []): Promise<PipelineService> {
    const service = new PipelineService(deps);
    try {
      const configs = readPipelineConfigs(configured);
      await applyPipelineConfigs(configs, { repo: service.repo, bindings: service.bindingRepo, compile: (id, graph) => service.compile(id, graph), logger: deps.logger });
      await service.refresh();
      return service;
    } catch (err) {
      await service.close();
      throw err;
    }
  }

  /**
   * Brings memory in line with the database: compiles published versions not running yet (or
   * replaced), stops removed ones, reloads bindings. At start, and for changes another instance made.
   */
  async refresh(): Promise<void> {
    const published = await this.repo.publishedVersions();
    const names = new Map((await this.repo.list()).map((p) => [p.id, p.name]));
    for (const v of published) {
      const running = this.runtime.get(v.pipelineId);
      if (running) running.name = names.get(v.pipelineId) ?? running.name;
      if (running && running.version >= v.version) continue;
      try {
        await this.install(v, names.get(v.pipelineId) ?? v.pipelineId);
      } catch (err) {
        const problem = err instanceof InvalidPipelineError ? err.message : `could not compile: ${(err as Error).message}`;
        this.problems.set(v.pipelineId, `version ${v.version}: ${problem}`);
        this.deps.logger.error({ pipeline: v.pipelineId, version: v.version, problem }, 'published pipeline does not compile; its requests get 503');
      }
    }
    const ids = new Set(published.map((v) => v.pipelineId));
    for (const id of this.runtime.ids()) if (!ids.has(id)) this.runtime.remove(id);
    await this.reloadBindings();
  }

  private async reloadBindings(): Promise<void> {
    this.bindingList = await this.bindingRepo.list();
    this.index = new BindingIndex(this.bindingList);
  }

  /** Compiles a graph for `id`, turning validation failures into a 400 that names node and field. */
  async compile(id: string, graph: PipelineGraph): Promise<CompiledPipeline> {
    try {
      return await compilePipeline(graph, this.nodeTypes, { pipelineId: id });
    } catch (err) {
      if (err instanceof PipelineValidationError) throw new InvalidPipelineError(err.issues);
      throw err;
    }
  }

  private async install(version: PipelineVersion, name: string): Promise<LivePipeline> {
    const compiled = await this.compile(version.pipelineId, version.graph);
    const live = new LivePipeline(version.pipelineId, name, version.version, compiled, this.deps.logger);
    const running = this.runtime.get(version.pipelineId);
    if (running && running.version > version.version) {
      // A newer version got in first (another publish raced this one): keep it.
      await compiled.dispose();
      return running;
    }
    this.runtime.install(live);
    this.problems.delete(version.pipelineId);
    return live;
  }

  /** Runs changes to one pipeline one at a time, so versions go live in the order they were numbered. */
  private locked<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(id) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return next;
  }

  private audit(ctx: ChangeContext, action: string, id: string, details: Record<string, unknown> = {}): void {
    void this.deps.audit?.recordQuietly({ ...ctx, action, target: { type: 'pipeline', id }, details });
  }

  /* ------------------------------------------------------------------ reading */

  list(): Promise<PipelineRecord[]> {
    return this.repo.list();
  }

  async get(id: string): Promise<PipelineRecord> {
    const found = await this.repo.get(id);
    if (!found) throw errors.notFound(`No pipeline '${id}'.`, 'id', 'pipeline_not_found');
    return found;
  }

  /** Memory state for the API: what runs, what failed, and how it is bound. */
  status(id: string) {
    const live = this.runtime.get(id);
    const bindings = this.bindingList.filter((b) => b.pipelineId === id);
    return {
      running: live ? { version: live.version, inFlight: live.inFlight } : null,
      problem: this.problems.get(id) ?? null,
      draining: this.runtime.drainingCount(id),
      bindings: {
        aliases: bindings.filter((b) => b.kind === 'alias').map((b) => b.subject),
        keys: bindings.filter((b) => b.kind === 'key').map((b) => b.subject),
        projects: bindings.filter((b) => b.kind === 'project').map((b) => b.subject),
        default: bindings.some((b) => b.kind === 'default'),
      },
    };
  }

  allBindings(): PipelineBinding[] {
    return this.bindingList;
  }

  /** The shared validator's verdict on a draft (no compiling: cheap, for listings and saves). */
  draftIssues(graph: PipelineGraph): PipelineIssue[] {
    return validatePipeline(graph, this.nodeTypes.manifests()).issues;
  }

  /** Full check, as publishing does it (params prepared, scripts compiled). */
  async validate(graph: PipelineGraph): Promise<{ ok: boolean; issues: PipelineIssue[] }> {
    try {
      await (await this.compile('validate', graph)).dispose();
      return { ok: true, issues: [] };
    } catch (err) {
      if (err instanceof InvalidPipelineError) return { ok: false, issues: err.issues };
      throw err;
    }
  }

  /** Targets naming a provider that is not configured: allowed (it may be added later), but worth a warning. */
  targetWarnings(graph: PipelineGraph): PipelineIssue[] {
    const out: PipelineIssue[] = [];
    for (const n of Array.isArray(graph?.nodes) ? graph.nodes : []) {
      const provider = (n?.params as { provider?: unknown } | undefined)?.provider;
      const manifest = this.nodeTypes.manifests().find((m) => m.type === n?.type && m.typeVersion === n?.typeVersion);
      if (manifest?.category !== 'target' || typeof provider !== 'string') continue;
      if (!this.deps.catalog.provider(provider)) {
        out.push({ code: 'invalid_params', nodeId: n.id, field: 'params.provider', message: `provider '${provider}' is not configured; calls to this target fail until it is` });
      }
    }
    return out;
  }

  versions(id: string) {
    return this.repo.versions(id);
  }

  async version(id: string, version: number): Promise<PipelineVersion> {
    const found = await this.repo.version(id, version);
    if (!found) throw errors.notFound(`Pipeline '${id}' has no version ${version}.`, 'version', 'version_not_found');
    return found;
  }

  /** The graph of `draft`, `published` or a version number. */
  async graphOf(id: string, which: number | 'draft' | 'published'): Promise<PipelineGraph> {
    const p = await this.get(id);
    if (which === 'draft') return p.draft;
    if (which === 'published') {
      if (p.publishedVersion === null) throw errors.notFound(`Pipeline '${id}' has not been published.`, 'version', 'not_published');
      return (await this.version(id, p.publishedVersion)).graph;
    }
    return (await this.version(id, which)).graph;
  }

  async diff(id: string, from: number | 'draft' | 'published', to: number | 'draft' | 'published') {
    const [a, b] = await Promise.all([this.graphOf(id, from), this.graphOf(id, to)]);
    return { from, to, ...diffGraphs(a, b) };
  }

  /* ----------------------------------------------------------------- changing */

  async create(input: { id: string; name?: string; description?: string; graph?: PipelineGraph }, ctx: ChangeContext = {}): Promise<PipelineRecord> {
    if (RESERVED_IDS.has(input.id)) throw errors.invalidRequest(`'${input.id}' is reserved; choose another id.`, 'id', 'reserved_id');
    if (await this.repo.get(input.id)) throw errors.conflict(`Pipeline '${input.id}' already exists.`, 'id');
    const record = await this.repo.create({
      id: input.id,
      name: input.name ?? input.id,
      description: input.description,
      draft: input.graph ?? { schemaVersion: 1, nodes: [], edges: [] },
      source: 'api',
    });
    this.audit(ctx, 'pipeline.create', input.id, { name: record.name });
    return record;
  }

  /** Saves the draft and/or the name and description. The running version is not touched. */
  update(id: string, patch: { name?: string; description?: string; graph?: PipelineGraph }, ctx: ChangeContext = {}): Promise<PipelineRecord> {
    return this.locked(id, async () => {
      await this.get(id);
      const updated = (await this.repo.update(id, { name: patch.name, description: patch.description, draft: patch.graph }))!;
      const live = this.runtime.get(id);
      // Keep the running version's name current for allowedPipelines checks by name.
      if (live) live.name = updated.name;
      this.audit(ctx, 'pipeline.update', id, { fields: Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined) });
      return updated;
    });
  }

  /** Deletes the pipeline, its versions and its bindings; requests running on it finish. */
  remove(id: string, ctx: ChangeContext = {}): Promise<void> {
    return this.locked(id, async () => {
      if (!(await this.repo.remove(id))) throw errors.notFound(`No pipeline '${id}'.`, 'id', 'pipeline_not_found');
      this.runtime.remove(id);
      this.problems.delete(id);
      await this.reloadBindings();
      this.audit(ctx, 'pipeline.delete', id);
    });
  }

  /** Compiles the draft, stores it as the next version and swaps it in. 400 (with issues) when invalid. */
  publish(id: string, options: { note?: string } = {}, ctx: ChangeContext = {}) {
    return this.locked(id, async () => {
      const p = await this.get(id);
      return this.publishGraph(p, p.draft, { note: options.note ?? null, rolledBackFrom: null }, ctx, 'pipeline.publish');
    });
  }

  /** Publishes an older version's graph again, as a new version. */
  rollback(id: string, version: number, options: { note?: string } = {}, ctx: ChangeContext = {}) {
    return this.locked(id, async () => {
      const p = await this.get(id);
      const old = await this.version(id, version);
      return this.publishGraph(p, old.graph, { note: options.note ?? `rollback to version ${version}`, rolledBackFrom: version }, ctx, 'pipeline.rollback');
    });
  }

  private async publishGraph(p: PipelineRecord, graph: PipelineGraph, meta: { note: string | null; rolledBackFrom: number | null }, ctx: ChangeContext, action: string) {
    const compiled = await this.compile(p.id, graph);
    let version: PipelineVersion;
    try {
      version = await this.repo.publish(p.id, { graph, source: 'api', note: meta.note, rolledBackFrom: meta.rolledBackFrom, createdBy: createdByOf(ctx) });
    } catch (err) {
      await compiled.dispose();
      throw err;
    }
    this.runtime.install(new LivePipeline(p.id, p.name, version.version, compiled, this.deps.logger));
    this.problems.delete(p.id);
    this.audit(ctx, action, p.id, { version: version.version, previous: p.publishedVersion, rolledBackFrom: meta.rolledBackFrom });
    const { graph: _graph, ...info } = version;
    return { ...info, warnings: this.targetWarnings(graph) };
  }

  /** Replaces every binding of a pipeline. 409 when another pipeline holds one of them. */
  setBindings(id: string, spec: BindingSpec, ctx: ChangeContext = {}) {
    return this.locked(id, async () => {
      await this.get(id);
      const wanted: Array<{ kind: BindingKind; subject: string }> = [
        ...[...new Set(spec.aliases ?? [])].map((subject) => ({ kind: 'alias' as const, subject })),
        ...[...new Set(spec.keys ?? [])].map((subject) => ({ kind: 'key' as const, subject })),
        ...[...new Set(spec.projects ?? [])].map((subject) => ({ kind: 'project' as const, subject })),
        ...(spec.default ? [{ kind: 'default' as const, subject: '' }] : []),
      ];
      const held = await this.bindingRepo.list();
      for (const w of wanted) {
        const other = held.find((h) => h.kind === w.kind && h.subject === w.subject && h.pipelineId !== id);
        if (other) {
          const what = w.kind === 'default' ? 'the default binding' : `${w.kind} '${w.subject}'`;
          throw errors.conflict(`Pipeline '${other.pipelineId}' already holds ${what}.`, w.kind === 'default' ? 'default' : `${w.kind}s`, 'binding_taken');
        }
      }
      await this.bindingRepo.replace(id, wanted, 'api');
      await this.reloadBindings();
      this.audit(ctx, 'pipeline.bindings', id, { bindings: wanted });
      return this.status(id).bindings;
    });
  }

  /** Runs a draft, a version or an unsaved graph once and returns the trace (see test-run.ts). */
  async testRun(id: string, options: TestRunOptions) {
    const which = options.version ?? 'draft';
    const graph = options.graph ?? (await this.graphOf(id, which));
    if (options.graph) await this.get(id);
    return testRun(
      {
        registry: this.nodeTypes,
        services: { logger: this.deps.logger, priceOf: this.services.priceOf, checkBudget: this.services.checkBudget },
        router: options.useMock ? this.mockRouter : this.router,
        hooks: options.useMock ? undefined : this.deps.hooks,
      },
      {
        graph,
        pipelineId: id,
        label: options.graph ? 'draft' : which === 'published' ? (await this.get(id)).publishedVersion! : which,
        kind: options.kind,
        request: options.request,
        headers: options.headers,
        principal: options.principal,
        requestId: options.requestId,
        signal: options.signal,
      },
    );
  }

  async close(): Promise<void> {
    this.stopFollowing();
    await this.runtime.close();
    await this.mockRouter.close();
  }
}
