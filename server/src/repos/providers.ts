import type { Db } from '../db/connect';
import { parseJson } from './ids';

export type RecordSource = 'api' | 'config' | 'seed';

export interface ProviderRecord {
  id: string;
  plugin: string;
  name: string;
  settings: Record<string, unknown>;
  enabled: boolean;
  source: RecordSource;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  id: string;
  plugin: string;
  name: string;
  settings: string;
  enabled: number | boolean;
  source: RecordSource;
  created_at: number;
  updated_at: number;
}

const toRecord = (r: Row): ProviderRecord => ({
  id: r.id,
  plugin: r.plugin,
  name: r.name,
  settings: parseJson(r.settings, {}),
  enabled: Boolean(r.enabled),
  source: r.source,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export class ProviderRepo {
  constructor(private readonly db: Db) {}

  async list(): Promise<ProviderRecord[]> {
    return (await this.db<Row>('providers').orderBy('id')).map(toRecord);
  }

  async get(id: string): Promise<ProviderRecord | undefined> {
    const row = await this.db<Row>('providers').where({ id }).first();
    return row ? toRecord(row) : undefined;
  }

  async upsert(p: Omit<ProviderRecord, 'createdAt' | 'updatedAt'>): Promise<ProviderRecord> {
    const now = Date.now();
    const row = { id: p.id, plugin: p.plugin, name: p.name, settings: JSON.stringify(p.settings), enabled: p.enabled, source: p.source, updated_at: now };
    await this.db('providers').insert({ ...row, created_at: now }).onConflict('id').merge(row);
    return (await this.get(p.id))!;
  }

  async remove(id: string): Promise<boolean> {
    return (await this.db('providers').where({ id }).delete()) > 0;
  }

  async count(): Promise<number> {
    const r = await this.db('providers').count<{ n: number | string }[]>({ n: '*' });
    return Number(r[0].n);
  }
}
