import type { Db } from '../db/connect';
import { newId } from '../repos/ids';
import type { InvalidationBus } from './invalidation-bus';
import type { Role } from './roles';
import { randomToken, sha256Hex } from './secrets';
import { TtlCache } from './ttl-cache';

/** A signed-in user, as the request path needs it. */
export interface ActiveSession {
  sessionId: string;
  userId: string;
  email: string;
  role: Role;
  expiresAt: number;
}

export interface SessionInfo {
  id: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  ip: string | null;
  userAgent: string | null;
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Server-side console sessions. The cookie holds 32 random bytes; the table holds only their
 * SHA-256, so a database leak yields no usable session. Lookups are cached briefly by that hash;
 * logout and user changes drop the cache entry at once (other instances: within the cache TTL,
 * or at once with a shared invalidation bus).
 */
export class SessionService {
  private readonly cache: TtlCache<ActiveSession | null>;

  constructor(
    private readonly db: Db,
    private readonly bus: InvalidationBus,
    private readonly options: { ttlMs: number; cacheTtlMs: number },
  ) {
    this.cache = new TtlCache(options.cacheTtlMs, 10_000);
    bus.subscribe((e) => {
      if (e.type === 'user.changed') this.cache.deleteWhere((s) => s?.userId === e.userId);
      if (e.type === 'session.ended') this.cache.deleteWhere((s) => s?.sessionId === e.sessionId);
      if (e.type === 'cache.reset') this.cache.clear();
    });
  }

  get ttlMs(): number {
    return this.options.ttlMs;
  }

  async create(userId: string, client: { ip?: string; userAgent?: string }): Promise<{ token: string; session: SessionInfo }> {
    const token = randomToken(32);
    const now = Date.now();
    const session: SessionInfo = {
      id: newId('ses'),
      userId,
      createdAt: now,
      expiresAt: now + this.options.ttlMs,
      ip: client.ip?.slice(0, 64) ?? null,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
    };
    await this.db('sessions').insert({
      id: session.id,
      token_hash: sha256Hex(token),
      user_id: userId,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
      ip: session.ip,
      user_agent: session.userAgent,
    });
    return { token, session };
  }

  /** The live session for a cookie value, or undefined (unknown, expired, or its user disabled). */
  async resolve(token: string): Promise<ActiveSession | undefined> {
    if (!TOKEN_SHAPE.test(token)) return undefined;
    const hash = sha256Hex(token);
    const found = await this.cache.getOrLoad(hash, () => this.load(hash));
    if (!found || found.expiresAt <= Date.now()) return undefined;
    return found;
  }

  private async load(hash: string): Promise<ActiveSession | null> {
    const row = await this.db('sessions as s')
      .join('users as u', 'u.id', 's.user_id')
      .where('s.token_hash', hash)
      .first<{ id: string; user_id: string; expires_at: number; email: string; role: Role; disabled: number | boolean } | undefined>('s.id', 's.user_id', 's.expires_at', 'u.email', 'u.role', 'u.disabled');
    if (!row || row.disabled) return null;
    return { sessionId: row.id, userId: row.user_id, email: row.email, role: row.role, expiresAt: Number(row.expires_at) };
  }

  /** Ends the session of this cookie value; returns its id when there was one. */
  async destroy(token: string): Promise<string | undefined> {
    if (!TOKEN_SHAPE.test(token)) return undefined;
    const hash = sha256Hex(token);
    const row = await this.db('sessions').where({ token_hash: hash }).first<{ id: string } | undefined>('id');
    if (!row) return undefined;
    await this.db('sessions').where({ id: row.id }).delete();
    this.cache.delete(hash);
    this.bus.publish({ type: 'session.ended', sessionId: row.id });
    return row.id;
  }

  /** Ends every session of a user, except `keep` (the one changing its own password). */
  async destroyForUser(userId: string, keep?: string): Promise<number> {
    const q = this.db('sessions').where({ user_id: userId });
    if (keep) q.whereNot({ id: keep });
    const ids = (await q.clone().select<{ id: string }[]>('id')).map((r) => r.id);
    if (ids.length === 0) return 0;
    await this.db('sessions').whereIn('id', ids).delete();
    for (const id of ids) this.bus.publish({ type: 'session.ended', sessionId: id });
    return ids.length;
  }

  async listForUser(userId: string): Promise<SessionInfo[]> {
    const rows = await this.db('sessions').where({ user_id: userId }).where('expires_at', '>', Date.now()).orderBy('created_at', 'desc');
    return rows.map((r: Record<string, unknown>) => ({
      id: r.id as string,
      userId: r.user_id as string,
      createdAt: Number(r.created_at),
      expiresAt: Number(r.expires_at),
      ip: (r.ip as string | null) ?? null,
      userAgent: (r.user_agent as string | null) ?? null,
    }));
  }

  async purgeExpired(): Promise<number> {
    return this.db('sessions').where('expires_at', '<=', Date.now()).delete();
  }
}
