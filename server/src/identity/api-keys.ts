import { errors } from '@switchyard/core';
import type { Logger, Principal } from '@switchyard/spec';
import type { Db } from '../db/connect';
import { newId, parseJson } from '../repos/ids';
import type { IdentityEvent, InvalidationBus } from './invalidation-bus';
import { displayKey, generateApiKey, isWellFormedApiKey } from './key-format';
import type { Role } from './roles';
import { sha256Hex } from './secrets';
import { TouchBatcher } from './touch-batcher';
import { TtlCache } from './ttl-cache';

/** Endpoint scopes a key can carry. `admin` opens /api (with the owner's role); `*` is all of them. */
export const KEY_SCOPES = ['chat', 'embeddings', 'images', 'models', 'messages', 'admin'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number] | '*';
/** What a key may do when its creator names no scopes: the OpenAI-compatible API, not the admin API. */
export const DEFAULT_KEY_SCOPES: KeyScope[] = ['chat', 'embeddings', 'images', 'models', 'messages'];

export type BudgetPeriod = 'total' | 'day' | 'month';

/** An API key as listings show it: the prefix, never the secret or its hash. */
export interface ApiKeyInfo {
  id: string;
  prefix: string;
  display: string;
  name: string;
  userId: string;
  projectId: string | null;
  scopes: KeyScope[];
  allowedModels: string[] | null;
  allowedPipelines: string[] | null;
  limits: { rpm: number | null; tpm: number | null };
  budget: { microCredits: number; period: BudgetPeriod } | null;
  attributes: Record<string, unknown>;
  expiresAt: number | null;
  createdAt: number;
  createdBy: string | null;
  revokedAt: number | null;
  revokedBy: string | null;
  lastUsedAt: number | null;
  status: 'active' | 'revoked' | 'expired';
}

export interface NewApiKey {
  name: string;
  userId: string;
  projectId?: string | null;
  scopes?: KeyScope[];
  allowedModels?: string[] | null;
  allowedPipelines?: string[] | null;
  rpm?: number | null;
  tpm?: number | null;
  budget?: { microCredits: number; period: BudgetPeriod } | null;
  attributes?: Record<string, unknown>;
  expiresAt?: number | null;
  createdBy?: string | null;
}

/** What `verify` says about a presented key. Only `ok` carries a principal. */
export type KeyVerification =
  | { status: 'ok'; principal: Principal }
  | { status: 'malformed' }
  | { status: 'unknown' }
  | { status: 'revoked' }
  | { status: 'expired' }
  | { status: 'owner_disabled' };

interface Row {
  id: string;
  prefix: string;
  name: string;
  user_id: string;
  project_id: string | null;
  scopes: string;
  allowed_models: string | null;
  allowed_pipelines: string | null;
  rpm: number | null;
  tpm: number | null;
  budget_micro: number | null;
  budget_period: BudgetPeriod | null;
  attributes: string;
  expires_at: number | null;
  created_at: number;
  created_by: string | null;
  revoked_at: number | null;
  revoked_by: string | null;
  last_used_at: number | null;
}

/** A key as the request path caches it, with its owner's role and status. */
interface CachedKey {
  info: ApiKeyInfo;
  role: Role;
  email: string;
  ownerDisabled: boolean;
}

const num = (v: number | null) => (v === null ? null : Number(v));

/**
 * API keys. Only a SHA-256 of each key is stored. A fast unsalted hash is the right tool here,
 * unlike for passwords: keys carry 256 random bits, so there is nothing to brute-force or look up
 * in a table, and the request path can find a key by its hash with one indexed read (or none,
 * from the cache) instead of running a slow KDF on every request.
 *
 * Verified keys are cached by hash for a short TTL. Revocation and changes to the owner publish
 * an event on the invalidation bus, which drops the cached entry at once; the TTL only bounds how
 * stale another instance can be when no shared bus is configured. "Last used" times are batched.
 */
export class ApiKeyService {
  private readonly cache: TtlCache<CachedKey | null>;
  private readonly touches: TouchBatcher;

  constructor(
    private readonly db: Db,
    private readonly bus: InvalidationBus,
    options: { cacheTtlMs: number; lastUsedFlushMs: number; logger?: Logger },
  ) {
    this.cache = new TtlCache(options.cacheTtlMs, 50_000);
    this.touches = new TouchBatcher((batch) => this.writeLastUsed(batch), options.lastUsedFlushMs, options.logger);
    bus.subscribe((e) => this.invalidate(e));
  }

  private invalidate(e: IdentityEvent): void {
    if (e.type === 'key.revoked' || e.type === 'key.changed') this.cache.deleteWhere((k) => k?.info.id === e.keyId);
    if (e.type === 'user.changed') this.cache.deleteWhere((k) => k?.info.userId === e.userId);
    if (e.type === 'cache.reset') this.cache.clear();
  }

  /** Called with the id of every revoked key, here or (with a shared bus) on another instance. */
  onRevoke(listener: (keyId: string) => void): () => void {
    return this.bus.subscribe((e) => e.type === 'key.revoked' && listener(e.keyId));
  }

  private toInfo(r: Row): ApiKeyInfo {
    const expiresAt = num(r.expires_at);
    const revokedAt = num(r.revoked_at);
    const stored = num(r.last_used_at);
    const pending = this.touches.pendingFor(r.id);
    return {
      id: r.id,
      prefix: r.prefix,
      display: displayKey(r.prefix),
      name: r.name,
      userId: r.user_id,
      projectId: r.project_id,
      scopes: parseJson(r.scopes, []),
      allowedModels: parseJson(r.allowed_models, null),
      allowedPipelines: parseJson(r.allowed_pipelines, null),
      limits: { rpm: num(r.rpm), tpm: num(r.tpm) },
      budget: r.budget_micro === null ? null : { microCredits: Number(r.budget_micro), period: r.budget_period ?? 'total' },
      attributes: parseJson(r.attributes, {}),
      expiresAt,
      createdAt: Number(r.created_at),
      createdBy: r.created_by,
      revokedAt,
      revokedBy: r.revoked_by,
      lastUsedAt: pending !== undefined && (stored === null || pending > stored) ? pending : stored,
      status: revokedAt !== null ? 'revoked' : expiresAt !== null && expiresAt <= Date.now() ? 'expired' : 'active',
    };
  }

  /** Creates a key; the secret is returned here once and never again. */
  async create(input: NewApiKey): Promise<{ info: ApiKeyInfo; secret: string }> {
    const { secret, prefix } = generateApiKey();
    const id = newId('key');
    await this.db('api_keys').insert({
      id,
      prefix,
      key_hash: sha256Hex(secret),
      name: input.name,
      user_id: input.userId,
      project_id: input.projectId ?? null,
      scopes: JSON.stringify(input.scopes ?? DEFAULT_KEY_SCOPES),
      allowed_models: input.allowedModels ? JSON.stringify(input.allowedModels) : null,
      allowed_pipelines: input.allowedPipelines ? JSON.stringify(input.allowedPipelines) : null,
      rpm: input.rpm ?? null,
      tpm: input.tpm ?? null,
      budget_micro: input.budget?.microCredits ?? null,
      budget_period: input.budget?.period ?? null,
      attributes: JSON.stringify(input.attributes ?? {}),
      expires_at: input.expiresAt ?? null,
      created_at: Date.now(),
      created_by: input.createdBy ?? null,
    });
    return { info: (await this.get(id))!, secret };
  }

  async get(id: string): Promise<ApiKeyInfo | undefined> {
    const row = await this.db<Row>('api_keys').where({ id }).first();
    return row && this.toInfo(row);
  }

  async list(filter: { userId?: string } = {}): Promise<ApiKeyInfo[]> {
    const q = this.db<Row>('api_keys').orderBy('created_at', 'desc').orderBy('id');
    if (filter.userId) q.where({ user_id: filter.userId });
    return (await q).map((r) => this.toInfo(r));
  }

  /** Revokes a key at once, here and (through the bus) everywhere. Revoking twice changes nothing. */
  async revoke(id: string, by: string | null): Promise<ApiKeyInfo | undefined> {
    await this.db('api_keys').where({ id }).whereNull('revoked_at').update({ revoked_at: Date.now(), revoked_by: by });
    const info = await this.get(id);
    if (info) this.bus.publish({ type: 'key.revoked', keyId: id });
    return info;
  }

  /** Checks a presented key. Reads the database only on a cache miss. */
  async verify(secret: string): Promise<KeyVerification> {
    if (!isWellFormedApiKey(secret)) return { status: 'malformed' };
    const hash = sha256Hex(secret);
    const key = await this.cache.getOrLoad(hash, () => this.load(hash));
    if (!key) return { status: 'unknown' };
    const { info } = key;
    if (info.revokedAt !== null) return { status: 'revoked' };
    if (info.expiresAt !== null && info.expiresAt <= Date.now()) return { status: 'expired' };
    if (key.ownerDisabled) return { status: 'owner_disabled' };
    this.touches.touch(info.id);
    return { status: 'ok', principal: this.principal(key) };
  }

  private async load(hash: string): Promise<CachedKey | null> {
    const row = await this.db('api_keys as k')
      .join('users as u', 'u.id', 'k.user_id')
      .where('k.key_hash', hash)
      .first<(Row & { role: Role; email: string; disabled: number | boolean }) | undefined>('k.*', 'u.role', 'u.email', 'u.disabled');
    if (!row) return null;
    return { info: this.toInfo(row), role: row.role, email: row.email, ownerDisabled: Boolean(row.disabled) };
  }

  /** A fresh principal per request, so nothing downstream can alter the cached key. */
  private principal({ info, role, email }: CachedKey): Principal {
    const limits: Principal['limits'] = {};
    if (info.limits.rpm !== null) limits.rpm = info.limits.rpm;
    if (info.limits.tpm !== null) limits.tpm = info.limits.tpm;
    return {
      method: 'api-key',
      id: info.id,
      userId: info.userId,
      ...(info.projectId ? { projectId: info.projectId } : {}),
      role,
      scopes: [...info.scopes],
      ...(info.allowedModels ? { allowedModels: [...info.allowedModels] } : {}),
      ...(info.allowedPipelines ? { allowedPipelines: [...info.allowedPipelines] } : {}),
      limits,
      // The key's own attributes first; the host's facts after them, so a key cannot forge them.
      attributes: {
        ...copyAttributes(info.attributes),
        keyName: info.name,
        keyPrefix: info.prefix,
        email,
        ...(info.budget ? { budget: { ...info.budget } } : {}),
      },
    };
  }

  private async writeLastUsed(batch: Map<string, number>): Promise<void> {
    // One small transaction per flush, however many requests happened in between.
    await this.db.transaction(async (trx) => {
      for (const [id, at] of batch) await trx('api_keys').where({ id }).update({ last_used_at: at });
    });
  }

  /** Writes buffered "last used" times now (tests, shutdown). */
  flushLastUsed(): Promise<void> {
    return this.touches.flush();
  }

  async close(): Promise<void> {
    await this.touches.flush();
  }

  /** Throws a 404 shaped like the rest of the API when the key does not exist. */
  async require(id: string): Promise<ApiKeyInfo> {
    const info = await this.get(id);
    if (!info) throw errors.notFound(`No API key '${id}'.`, null, 'key_not_found');
    return info;
  }
}

/** A deep copy of a key's attributes; most keys have none, and structuredClone is not free even for `{}`. */
function copyAttributes(attributes: Record<string, unknown>): Record<string, unknown> {
  for (const _ in attributes) return structuredClone(attributes);
  return {};
}
