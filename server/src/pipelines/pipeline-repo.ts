import type { PipelineGraph } from '@switchyard/spec';
import type { Db } from '../db/connect';
import { parseJson } from '../repos/ids';

export type PipelineSource = 'api' | 'config';

export interface PipelineRecord {
  id: string;
  name: string;
  description: string;
  /** The work in progress. Not necessarily valid: the editor saves as it goes. */
  draft: PipelineGraph;
  draftUpdatedAt: number;
  /** The version requests run; null until the first publish. */
  publishedVersion: number | null;
  source: PipelineSource;
  createdAt: number;
  updatedAt: number;
}

/** A published version. Never changed once written. */
export interface PipelineVersion {
  pipelineId: string;
  version: number;
  graph: PipelineGraph;
  source: PipelineSource;
  note: string | null;
  /** Set when this version republished an older one. */
  rolledBackFrom: number | null;
  createdBy: string | null;
  createdAt: number;
}

interface Row {
  id: string;
  name: string;
  description: string;
  draft: string;
  draft_updated_at: number;
  published_version: number | null;
  source: PipelineSource;
  created_at: number;
  updated_at: number;
}

interface VersionRow {
  pipeline_id: string;
  version: number;
  graph: string;
  source: PipelineSource;
  note: string | null;
  rolled_back_from: number | null;
  created_by: string | null;
  created_at: number;
}

const toRecord = (r: Row): PipelineRecord => ({
  id: r.id,
  name: r.name,
  description: r.description,
  draft: parseJson(r.draft, { schemaVersion: 1, nodes: [], edges: [] }),
  draftUpdatedAt: Number(r.draft_updated_at),
  publishedVersion: r.published_version === null ? null : Number(r.published_version),
  source: r.source,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const toVersion = (r: VersionRow): PipelineVersion => ({
  pipelineId: r.pipeline_id,
  version: Number(r.version),
  graph: parseJson(r.graph, { schemaVersion: 1, nodes: [], edges: [] }),
  source: r.source,
  note: r.note,
  rolledBackFrom: r.rolled_back_from === null ? null : Number(r.rolled_back_from),
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
});

/** Pipelines, their drafts and their numbered versions. */
export class PipelineRepo {
  constructor(private readonly db: Db) {}

  async list(): Promise<PipelineRecord[]> {
    return (await this.db<Row>('pipelines').orderBy('id')).map(toRecord);
  }

  async get(id: string): Promise<PipelineRecord | undefined> {
    const row = await this.db<Row>('pipelines').where({ id }).first();
    return row ? toRecord(row) : undefined;
  }

  async create(input: { id: string; name: string; description?: string; draft: PipelineGraph; source: PipelineSource }): Promise<PipelineRecord> {
    const now = Date.now();
    await this.db('pipelines').insert({
      id: input.id,
      name: input.name,
      description: input.description ?? '',
      draft: JSON.stringify(input.draft),
      draft_updated_at: now,
      published_version: null,
      source: input.source,
      created_at: now,
      updated_at: now,
    });
    return (await this.get(input.id))!;
  }

  async update(id: string, patch: { name?: string; description?: string; draft?: PipelineGraph; source?: PipelineSource }): Promise<PipelineRecord | undefined> {
    const now = Date.now();
    const row: Partial<Row> = { updated_at: now };
    if (patch.name !== undefined) row.name = patch.name;
    if (patch.description !== undefined) row.description = patch.description;
    if (patch.source !== undefined) row.source = patch.source;
    if (patch.draft !== undefined) {
      row.draft = JSON.stringify(patch.draft);
      row.draft_updated_at = now;
    }
    await this.db('pipelines').where({ id }).update(row);
    return this.get(id);
  }

  /** Removes the pipeline with its versions and bindings. */
  async remove(id: string): Promise<boolean> {
    return this.db.transaction(async (trx) => {
      // Explicit, not only ON DELETE CASCADE: SQLite enforces it only with foreign_keys on.
      await trx('pipeline_bindings').where({ pipeline_id: id }).delete();
      await trx('pipeline_versions').where({ pipeline_id: id }).delete();
      return (await trx('pipelines').where({ id }).delete()) > 0;
    });
  }

  /** Versions, newest first, without their graphs. */
  async versions(id: string): Promise<Omit<PipelineVersion, 'graph'>[]> {
    const rows = await this.db<VersionRow>('pipeline_versions')
      .where({ pipeline_id: id })
      .orderBy('version', 'desc')
      .select('pipeline_id', 'version', 'source', 'note', 'rolled_back_from', 'created_by', 'created_at');
    return rows.map((r) => {
      const { graph: _graph, ...rest } = toVersion({ ...r, graph: '' });
      return rest;
    });
  }

  async version(id: string, version: number): Promise<PipelineVersion | undefined> {
    const row = await this.db<VersionRow>('pipeline_versions').where({ pipeline_id: id, version }).first();
    return row ? toVersion(row) : undefined;
  }

  /** The published version of every pipeline that has one (what the gateway loads at start). */
  async publishedVersions(): Promise<PipelineVersion[]> {
    const rows = await this.db('pipeline_versions as v')
      .join('pipelines as p', function on() {
        this.on('p.id', '=', 'v.pipeline_id').andOn('p.published_version', '=', 'v.version');
      })
      .select<VersionRow[]>('v.*');
    return rows.map(toVersion);
  }

  /**
   * Writes the next version and makes it the published one, in one transaction. Two publishes
   * racing for the same number: the loser's insert fails on the primary key and is retried.
   */
  async publish(id: string, input: { graph: PipelineGraph; source: PipelineSource; note?: string | null; rolledBackFrom?: number | null; createdBy?: string | null }): Promise<PipelineVersion> {
    for (let tries = 0; ; tries++) {
      try {
        return await this.db.transaction(async (trx) => {
          const top = await trx('pipeline_versions').where({ pipeline_id: id }).max<{ max: number | null }>('version as max').first();
          const version = Number(top?.max ?? 0) + 1;
          const now = Date.now();
          const row: VersionRow = {
            pipeline_id: id,
            version,
            graph: JSON.stringify(input.graph),
            source: input.source,
            note: input.note ?? null,
            rolled_back_from: input.rolledBackFrom ?? null,
            created_by: input.createdBy ?? null,
            created_at: now,
          };
          await trx('pipeline_versions').insert(row);
          await trx('pipelines').where({ id }).update({ published_version: version, updated_at: now });
          return toVersion(row);
        });
      } catch (err) {
        if (tries >= 3 || !(await this.versionTaken(id, err))) throw err;
      }
    }
  }

  private async versionTaken(id: string, err: unknown): Promise<boolean> {
    const text = String((err as Error)?.message ?? '');
    return /unique|duplicate|constraint/i.test(text) && (await this.get(id)) !== undefined;
  }
}
