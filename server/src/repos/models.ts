import type { Capability } from '@switchyard/spec';
import type { Db } from '../db/connect';
import { parseJson } from './ids';
import type { RecordSource } from './providers';

export interface ModelRecord {
  /** The public name clients send as `model`. */
  id: string;
  providerId: string;
  upstreamModel: string;
  aliases: string[];
  capabilities: Capability[];
  enabled: boolean;
  source: RecordSource;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  id: string;
  provider_id: string;
  upstream_model: string;
  aliases: string;
  capabilities: string;
  enabled: number | boolean;
  source: RecordSource;
  created_at: number;
  updated_at: number;
}

const toRecord = (r: Row): ModelRecord => ({
  id: r.id,
  providerId: r.provider_id,
  upstreamModel: r.upstream_model,
  aliases: parseJson(r.aliases, []),
  capabilities: parseJson(r.capabilities, []),
  enabled: Boolean(r.enabled),
  source: r.source,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export class ModelRepo {
  constructor(private readonly db: Db) {}

  async list(): Promise<ModelRecord[]> {
    return (await this.db<Row>('models').orderBy('id')).map(toRecord);
  }

  async get(id: string): Promise<ModelRecord | undefined> {
    const row = await this.db<Row>('models').where({ id }).first();
    return row ? toRecord(row) : undefined;
  }

  async upsert(m: Omit<ModelRecord, 'createdAt' | 'updatedAt'>): Promise<ModelRecord> {
    const now = Date.now();
    const row = {
      id: m.id,
      provider_id: m.providerId,
      upstream_model: m.upstreamModel,
      aliases: JSON.stringify(m.aliases),
      capabilities: JSON.stringify(m.capabilities),
      enabled: m.enabled,
      source: m.source,
      updated_at: now,
    };
    await this.db('models').insert({ ...row, created_at: now }).onConflict('id').merge(row);
    return (await this.get(m.id))!;
  }

  async remove(id: string): Promise<boolean> {
    return (await this.db('models').where({ id }).delete()) > 0;
  }
}
