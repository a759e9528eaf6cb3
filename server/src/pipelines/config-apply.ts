import type { CompiledPipeline } from '@switchyard/core';
import type { Logger, PipelineGraph } from '@switchyard/spec';
import { canonicalJson } from '../identity/canonical-json';
import type { BindingRepo } from './binding-repo';
import { configBindings, type PipelineConfig } from './config-pipelines';
import type { PipelineRepo } from './pipeline-repo';

interface Deps {
  repo: PipelineRepo;
  bindings: BindingRepo;
  compile(id: string, graph: PipelineGraph): Promise<CompiledPipeline>;
  logger: Logger;
}

/**
 * Makes the database match the config file's pipelines: each one's draft, a new published
 * version (source `config`) when its graph differs from the published one, and its bindings.
 * The file wins over bindings made through the API. Pipelines that came from the file and are
 * gone from it are deleted; pipelines created through the API are left alone. A graph that does
 * not compile stops the start, naming the pipeline, node and field.
 */
export async function applyPipelineConfigs(configs: readonly PipelineConfig[], deps: Deps): Promise<void> {
  for (const c of configs) {
    const existing = await deps.repo.get(c.id);
    const fields = { name: c.name ?? c.id, description: c.description ?? '', draft: c.graph, source: 'config' as const };
    if (existing) await deps.repo.update(c.id, fields);
    else await deps.repo.create({ id: c.id, ...fields });

    const published = existing?.publishedVersion ? await deps.repo.version(c.id, existing.publishedVersion) : undefined;
    if (!published || canonicalJson(published.graph) !== canonicalJson(c.graph)) {
      try {
        await (await deps.compile(c.id, c.graph)).dispose();
      } catch (err) {
        throw new Error(`config: pipeline '${c.id}': ${(err as Error).message}`);
      }
      const v = await deps.repo.publish(c.id, { graph: c.graph, source: 'config', note: 'from the config file', createdBy: 'config' });
      deps.logger.info({ pipeline: c.id, version: v.version }, 'published a pipeline from the config file');
    }

    const wanted = configBindings(c);
    const held = await deps.bindings.list();
    for (const w of wanted) {
      const other = held.find((h) => h.kind === w.kind && h.subject === w.subject && h.pipelineId !== c.id);
      if (!other) continue;
      deps.logger.warn({ pipeline: c.id, kind: w.kind, subject: w.subject, from: other.pipelineId }, 'config file takes a pipeline binding from another pipeline');
      await deps.bindings.removeOne(w.kind, w.subject);
    }
    await deps.bindings.replace(c.id, wanted, 'config');
  }

  const declared = new Set(configs.map((c) => c.id));
  for (const p of await deps.repo.list()) {
    if (p.source === 'config' && !declared.has(p.id)) {
      await deps.repo.remove(p.id);
      deps.logger.info({ pipeline: p.id }, 'removed a pipeline no longer in the config file');
    }
  }
}
