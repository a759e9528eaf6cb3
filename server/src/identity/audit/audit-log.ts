import type { Logger } from '@switchyard/spec';
import type { Db } from '../../db/connect';
import { canonicalJson } from '../canonical-json';
import { redactDetails } from '../redact';
import { entryHash, fieldsOfRow, GENESIS_HASH, rowOfFields, type AuditRow, type ChainedFields } from './chain';

/** Who did it. For people, `id` is the user id whatever credential they used; `credentialId` says which. */
export interface AuditActor {
  /** `user` (console session), `api_key`, `admin_key`, `system`, `anonymous`, or an auth plugin's id. */
  type: string;
  id?: string | null;
  /** Human-readable: an email, a plugin name. */
  label?: string | null;
  /** The session or key used (its public id, never its secret). */
  credentialId?: string | null;
}

export const SYSTEM_ACTOR: AuditActor = { type: 'system', id: 'system' };

export type AuditOutcome = 'success' | 'failure' | 'denied';

/** What callers pass to `audit.record`. */
export interface AuditInput {
  /** Dotted, past-tense-free verb naming what happened: `key.create`, `provider.update`, `auth.login.failure`. */
  action: string;
  actor?: AuditActor;
  ip?: string | null;
  requestId?: string | null;
  target?: { type: string; id?: string | null; label?: string | null };
  outcome?: AuditOutcome;
  /** Before/after and anything else useful. Redacted before it is stored; still, pass no secrets. */
  details?: Record<string, unknown>;
}

export interface AuditEntry {
  seq: number;
  at: number;
  actor: { type: string; id: string | null; label: string | null; credentialId: string | null };
  ip: string | null;
  action: string;
  target: { type: string; id: string | null; label: string | null } | null;
  outcome: string;
  requestId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditFilter {
  /** A user id (or key id, `admin-key`, `system`). */
  actor?: string;
  actorType?: string;
  /** Exact action, or a prefix ending in `*` (`key.*`). */
  action?: string;
  targetType?: string;
  target?: string;
  outcome?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  /** Paging: entries older than this seq. */
  before?: number;
  limit?: number;
}

export interface AuditVerification {
  ok: boolean;
  /** Entries checked. */
  count: number;
  head: { seq: number; hash: string };
  /** The first problem found. */
  problem?: { seq: number; reason: string };
}

const LIMITS = { actorType: 32, actorId: 128, actorLabel: 320, credentialId: 128, ip: 64, action: 64, targetType: 32, targetId: 200, targetLabel: 320, requestId: 128 };
const cut = (v: string | null | undefined, n: number): string | null => (v === undefined || v === null ? null : String(v).slice(0, n));

const toEntry = (r: AuditRow): AuditEntry => ({
  seq: Number(r.seq),
  at: Number(r.at),
  actor: { type: r.actor_type, id: r.actor_id, label: r.actor_label, credentialId: r.credential_id },
  ip: r.ip,
  action: r.action,
  target: r.target_type === null ? null : { type: r.target_type, id: r.target_id, label: r.target_label },
  outcome: r.outcome,
  requestId: r.request_id,
  details: JSON.parse(r.details) as Record<string, unknown>,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/**
 * The append-only, hash-chained audit log. Each entry's hash covers the previous entry's hash, so
 * editing or removing any entry breaks every link after it; the head row (last seq and hash)
 * catches removal of the newest entries too.
 *
 * Appends are serialised twice: a queue in this process, and in the database a transaction that
 * first updates the head row (a row lock on PostgreSQL, the write lock on SQLite) before reading it,
 * so several processes on one database still produce a single chain.
 *
 * What it cannot catch: someone with write access to the database who rewrites the whole chain
 * and the head consistently. Export the head hash (GET /api/audit/verify) somewhere else now and
 * then to anchor it.
 */
export class AuditLog {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly logger?: Logger,
  ) {}

  /** Appends an entry and resolves when it is stored. Details are redacted first. */
  record(input: AuditInput): Promise<AuditEntry> {
    const run = () => this.append(input);
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Like record, but never throws: failures are logged. For paths that must not fail because of auditing. */
  async recordQuietly(input: AuditInput): Promise<void> {
    try {
      await this.record(input);
    } catch (err) {
      this.logger?.error({ err: (err as Error).message, action: input.action }, 'could not write the audit log');
    }
  }

  private async append(input: AuditInput): Promise<AuditEntry> {
    const details = canonicalJson(redactDetails(input.details ?? {}));
    const actor = input.actor ?? { type: 'anonymous' };
    return this.db.transaction(async (trx) => {
      await trx('audit_head').where({ id: 1 }).increment('seq', 1);
      const head = (await trx('audit_head').where({ id: 1 }).first<{ seq: number | string; hash: string }>())!;
      const fields: ChainedFields = {
        seq: Number(head.seq),
        at: Date.now(),
        actorType: cut(actor.type, LIMITS.actorType) ?? 'anonymous',
        actorId: cut(actor.id, LIMITS.actorId),
        actorLabel: cut(actor.label, LIMITS.actorLabel),
        credentialId: cut(actor.credentialId, LIMITS.credentialId),
        ip: cut(input.ip, LIMITS.ip),
        action: cut(input.action, LIMITS.action)!,
        targetType: cut(input.target?.type, LIMITS.targetType),
        targetId: cut(input.target?.id, LIMITS.targetId),
        targetLabel: cut(input.target?.label, LIMITS.targetLabel),
        outcome: input.outcome ?? 'success',
        requestId: cut(input.requestId, LIMITS.requestId),
        details,
        prevHash: head.hash,
      };
      const hash = entryHash(fields);
      const row = rowOfFields(fields, hash);
      await trx('audit_log').insert(row);
      await trx('audit_head').where({ id: 1 }).update({ hash });
      return toEntry(row);
    });
  }

  async head(): Promise<{ seq: number; hash: string }> {
    const h = (await this.db('audit_head').where({ id: 1 }).first<{ seq: number | string; hash: string }>())!;
    return { seq: Number(h.seq), hash: h.hash };
  }

  /** Newest first; `nextBefore` continues the listing. */
  async list(filter: AuditFilter = {}): Promise<{ data: AuditEntry[]; nextBefore: number | null }> {
    const limit = Math.min(Math.max(1, Math.floor(filter.limit ?? 100)), 1000);
    const rows = await this.query(filter).orderBy('seq', 'desc').limit(limit + 1);
    const more = rows.length > limit;
    const data = rows.slice(0, limit).map(toEntry);
    return { data, nextBefore: more ? data[data.length - 1].seq : null };
  }

  /** Every matching entry, newest first, a page at a time (exports). */
  async *iterate(filter: AuditFilter = {}): AsyncIterable<AuditEntry> {
    let before = filter.before;
    for (;;) {
      const page = await this.list({ ...filter, before, limit: 500 });
      yield* page.data;
      if (page.nextBefore === null) return;
      before = page.nextBefore;
    }
  }

  private query(f: AuditFilter) {
    const q = this.db<AuditRow>('audit_log');
    if (f.actor) q.where({ actor_id: f.actor });
    if (f.actorType) q.where({ actor_type: f.actorType });
    if (f.action) {
      // ESCAPE is explicit: SQLite has no default escape character for LIKE.
      if (f.action.endsWith('*')) q.whereRaw("action like ? escape '!'", [`${f.action.slice(0, -1).replace(/[!%_]/g, (c) => `!${c}`)}%`]);
      else q.where({ action: f.action });
    }
    if (f.targetType) q.where({ target_type: f.targetType });
    if (f.target) q.where({ target_id: f.target });
    if (f.outcome) q.where({ outcome: f.outcome });
    if (f.from !== undefined) q.where('at', '>=', f.from);
    if (f.to !== undefined) q.where('at', '<', f.to);
    if (f.before !== undefined) q.where('seq', '<', f.before);
    return q;
  }

  /** Walks the chain from the start; reports the first entry that was edited, removed or re-linked. */
  async verify(): Promise<AuditVerification> {
    const head = await this.head();
    let prev = GENESIS_HASH;
    let expected = 1;
    let count = 0;
    const fail = (seq: number, reason: string): AuditVerification => ({ ok: false, count, head, problem: { seq, reason } });
    for (;;) {
      const rows = await this.db<AuditRow>('audit_log')
        .where('seq', '>=', expected)
        .andWhere('seq', '<=', head.seq)
        .orderBy('seq')
        .limit(1000);
      if (rows.length === 0) break;
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== expected) return fail(expected, 'entry missing (deleted)');
        if (row.prev_hash !== prev) return fail(seq, 'link to the previous entry is broken');
        if (entryHash(fieldsOfRow(row)) !== row.hash) return fail(seq, 'entry was modified');
        prev = row.hash;
        expected++;
        count++;
      }
    }
    if (expected - 1 !== head.seq) return fail(expected, expected - 1 < head.seq ? 'newest entries missing (deleted)' : 'head pointer is behind the log');
    if (prev !== head.hash) return fail(head.seq, 'head hash does not match the last entry');
    // Rows past the head were not written by us (the head moves in the same transaction as the insert).
    const latest = await this.head();
    const beyond = await this.db('audit_log').where('seq', '>', latest.seq).first('seq');
    if (beyond) return fail(Number(beyond.seq), 'entry beyond the head pointer (inserted outside the log)');
    return { ok: true, count, head };
  }
}
