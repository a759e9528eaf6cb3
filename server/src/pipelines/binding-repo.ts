import type { Db } from '../db/connect';
import type { PipelineSource } from './pipeline-repo';

/**
 * What a binding selects: `alias` a model name clients send, `key` an API key id, `project` a
 * project id, `default` every request nothing else claims (subject '').
 */
export type BindingKind = 'alias' | 'key' | 'project' | 'default';
export const BINDING_KINDS: readonly BindingKind[] = ['alias', 'key', 'project', 'default'];

export interface PipelineBinding {
  kind: BindingKind;
  subject: string;
  pipelineId: string;
  source: PipelineSource;
  createdAt: number;
}

interface Row {
  kind: BindingKind;
  subject: string;
  pipeline_id: string;
  source: PipelineSource;
  created_at: number;
}

const toBinding = (r: Row): PipelineBinding => ({ kind: r.kind, subject: r.subject, pipelineId: r.pipeline_id, source: r.source, createdAt: Number(r.created_at) });

export class BindingRepo {
  constructor(private readonly db: Db) {}

  async list(): Promise<PipelineBinding[]> {
    return (await this.db<Row>('pipeline_bindings').orderBy('kind').orderBy('subject')).map(toBinding);
  }

  async removeOne(kind: BindingKind, subject: string): Promise<void> {
    await this.db('pipeline_bindings').where({ kind, subject }).delete();
  }

  /** Replaces every binding of one pipeline with `bindings`, atomically. */
  async replace(pipelineId: string, bindings: Array<{ kind: BindingKind; subject: string }>, source: PipelineSource): Promise<void> {
    const now = Date.now();
    await this.db.transaction(async (trx) => {
      await trx('pipeline_bindings').where({ pipeline_id: pipelineId }).delete();
      if (bindings.length > 0) {
        await trx('pipeline_bindings').insert(bindings.map((b) => ({ kind: b.kind, subject: b.subject, pipeline_id: pipelineId, source, created_at: now })));
      }
    });
  }
}
