import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageBackends } from '../../../test/support/backends';
import { openTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import type { Db } from '../db/connect';
import { ApiKeyService } from './api-keys';
import { LocalInvalidationBus } from './invalidation-bus';
import { hashPassword } from './passwords';
import { sha256Hex } from './secrets';
import { SessionService } from './sessions';
import { UserService } from './users';

const scrypt = { log2N: 10, r: 8, p: 1 };

describe.each(await storageBackends())('users, sessions and API keys on %s', (backend) => {
  let db: Db;
  let temp: TestDatabase;
  let bus: LocalInvalidationBus;
  let users: UserService;
  let sessions: SessionService;
  let keys: ApiKeyService;
  let n = 0;
  const email = () => `person${n++}@example.com`;

  beforeAll(async () => {
    temp = await openTestDatabase(backend, 'sy-ident-');
    db = temp.db;
    bus = new LocalInvalidationBus();
    users = new UserService(db, bus, scrypt);
    sessions = new SessionService(db, bus, { ttlMs: 60_000, cacheTtlMs: 60_000 });
    keys = new ApiKeyService(db, bus, { cacheTtlMs: 60_000, lastUsedFlushMs: 0 });
  });
  afterAll(async () => {
    await temp?.close();
  });

  /** Counts the statements that read or write a table while `fn` runs. */
  async function queriesOn(table: string, fn: () => Promise<unknown>): Promise<number> {
    let count = 0;
    const listener = (q: { sql: string }) => {
      if (q.sql.includes(table)) count++;
    };
    db.on('query', listener);
    try {
      await fn();
    } finally {
      db.removeListener('query', listener);
    }
    return count;
  }

  describe('users', () => {
    it('normalises emails, refuses duplicates and weak passwords', async () => {
      const e = email();
      const u = await users.create({ email: `  ${e.toUpperCase()} `, role: 'member', password: 'a-long-password' });
      expect(u).toMatchObject({ email: e, name: e, role: 'member', hasPassword: true, disabled: false });
      await expect(users.create({ email: e, role: 'viewer', password: 'another-password' })).rejects.toMatchObject({ status: 409 });
      await expect(users.create({ email: email(), role: 'viewer', password: 'short' })).rejects.toMatchObject({ status: 400, code: 'weak_password' });
      const row = await db('users').where({ id: u.id }).first();
      expect(row.password_hash).toMatch(/^scrypt\$/);
      expect(JSON.stringify(row)).not.toContain('a-long-password');
    });

    it('verifies credentials: right, wrong, unknown, disabled, no password', async () => {
      const e = email();
      const u = await users.create({ email: e, role: 'viewer', password: 'right-password' });
      expect((await users.verifyCredentials(e.toUpperCase(), 'right-password'))?.id).toBe(u.id);
      expect(await users.verifyCredentials(e, 'wrong-password')).toBeUndefined();
      expect(await users.verifyCredentials('nobody@example.com', 'right-password')).toBeUndefined();
      const sso = await users.create({ email: email(), role: 'viewer' });
      expect(await users.verifyCredentials(sso.email, '')).toBeUndefined();
      await users.update(u.id, { disabled: true });
      expect(await users.verifyCredentials(e, 'right-password')).toBeUndefined();
    });

    it('upgrades a hash made with weaker parameters at the next sign-in', async () => {
      const e = email();
      const u = await users.create({ email: e, role: 'viewer', password: 'upgrade-password' });
      await db('users').where({ id: u.id }).update({ password_hash: await hashPassword('upgrade-password', { log2N: 9, r: 8, p: 1 }) });
      expect(await users.verifyCredentials(e, 'upgrade-password')).toBeDefined();
      expect((await db('users').where({ id: u.id }).first()).password_hash).toMatch(/^scrypt\$10\$/);
    });

    it('tells listeners about new users, and a failing listener does not undo the user', async () => {
      const seen: string[] = [];
      const stopA = users.onCreated((u) => void seen.push(u.email));
      const stopB = users.onCreated(() => {
        throw new Error('listener broke');
      });
      const u = await users.create({ email: email(), role: 'viewer' });
      stopA();
      stopB();
      expect(seen).toEqual([u.email]);
      expect(await users.get(u.id)).toBeDefined();
    });

    it('counts active owners', async () => {
      const before = await users.activeOwnerCount();
      const o = await users.create({ email: email(), role: 'owner', password: 'owner-password' });
      expect(await users.activeOwnerCount()).toBe(before + 1);
      await users.update(o.id, { disabled: true });
      expect(await users.activeOwnerCount()).toBe(before);
    });
  });

  describe('sessions', () => {
    it('stores only a hash of the token and resolves it to the user', async () => {
      const u = await users.create({ email: email(), role: 'admin', password: 'session-password' });
      const { token, session } = await sessions.create(u.id, { ip: '10.0.0.1', userAgent: 'test' });
      expect(token).toMatch(/^[\w-]{43}$/);
      const row = await db('sessions').where({ id: session.id }).first();
      expect(row.token_hash).toBe(sha256Hex(token));
      expect(JSON.stringify(row)).not.toContain(token);
      expect(await sessions.resolve(token)).toMatchObject({ sessionId: session.id, userId: u.id, role: 'admin', email: u.email });
      expect(await sessions.resolve(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))).toBeUndefined();
      expect(await sessions.resolve('not a token')).toBeUndefined();
    });

    it('ends a session at once even when it is cached', async () => {
      const u = await users.create({ email: email(), role: 'viewer', password: 'session-password' });
      const { token } = await sessions.create(u.id, {});
      expect(await sessions.resolve(token)).toBeDefined();
      expect(await queriesOn('sessions', () => sessions.resolve(token))).toBe(0); // served from memory
      await sessions.destroy(token);
      expect(await sessions.resolve(token)).toBeUndefined();
    });

    it('follows role changes and disabling of its user at once', async () => {
      const u = await users.create({ email: email(), role: 'viewer', password: 'session-password' });
      const { token } = await sessions.create(u.id, {});
      expect((await sessions.resolve(token))?.role).toBe('viewer');
      await users.update(u.id, { role: 'admin' });
      expect((await sessions.resolve(token))?.role).toBe('admin');
      await users.update(u.id, { disabled: true });
      expect(await sessions.resolve(token)).toBeUndefined();
    });

    it('expires, and ends every session of a user but the one kept', async () => {
      const u = await users.create({ email: email(), role: 'viewer', password: 'session-password' });
      const short = new SessionService(db, bus, { ttlMs: -1, cacheTtlMs: 60_000 });
      const expired = await short.create(u.id, {});
      expect(await short.resolve(expired.token)).toBeUndefined();
      const a = await sessions.create(u.id, {});
      const b = await sessions.create(u.id, {});
      expect(await sessions.destroyForUser(u.id, a.session.id)).toBe(2); // b and the expired one
      expect(await sessions.resolve(a.token)).toBeDefined();
      expect(await sessions.resolve(b.token)).toBeUndefined();
      expect(await sessions.purgeExpired()).toBeGreaterThanOrEqual(0);
    });
  });

  describe('API keys', () => {
    const makeOwner = (role: 'member' | 'admin' = 'member') => users.create({ email: email(), role, password: 'key-owner-password' });

    it('shows the secret once and stores only its SHA-256', async () => {
      const u = await makeOwner();
      const { info, secret } = await keys.create({ name: 'ci', userId: u.id, scopes: ['chat'] });
      expect(secret).toMatch(/^sy-[\w-]{43}$/);
      expect(info).toMatchObject({ prefix: secret.slice(0, 9), display: `${secret.slice(0, 9)}…`, status: 'active', scopes: ['chat'] });
      const row = await db('api_keys').where({ id: info.id }).first();
      expect(row.key_hash).toBe(sha256Hex(secret));
      expect(JSON.stringify(row)).not.toContain(secret.slice(9));
      expect(JSON.stringify(await keys.list({ userId: u.id }))).not.toContain(secret.slice(9));
    });

    it('turns a key into a principal with its limits, allow-lists and attributes', async () => {
      const u = await makeOwner('admin');
      const { secret } = await keys.create({
        name: 'limited', userId: u.id, projectId: 'proj_1', scopes: ['chat', 'admin'], allowedModels: ['gpt-*'], allowedPipelines: ['pl_1'],
        rpm: 60, tpm: 10_000, budget: { microCredits: 5_000_000, period: 'month' }, attributes: { team: 'search', email: 'forged@example.com', tags: { cost: 'a' } },
      });
      const v = await keys.verify(secret);
      if (v.status !== 'ok') throw new Error(v.status);
      expect(v.principal).toEqual({
        method: 'api-key', id: expect.stringMatching(/^key_/), userId: u.id, projectId: 'proj_1', role: 'admin', scopes: ['chat', 'admin'],
        allowedModels: ['gpt-*'], allowedPipelines: ['pl_1'], limits: { rpm: 60, tpm: 10_000 },
        attributes: { team: 'search', tags: { cost: 'a' }, keyName: 'limited', keyPrefix: secret.slice(0, 9), email: u.email, budget: { microCredits: 5_000_000, period: 'month' } },
      });
      // Each request gets its own copy: changing one does not change the cached key.
      (v.principal.scopes as string[]).push('*');
      (v.principal.attributes as Record<string, unknown>).team = 'changed';
      ((v.principal.attributes as Record<string, unknown>).tags as Record<string, unknown>).cost = 'changed';
      const again = await keys.verify(secret);
      expect(again.status === 'ok' && again.principal).toMatchObject({ scopes: ['chat', 'admin'], attributes: { team: 'search', tags: { cost: 'a' } } });
    });

    it('answers malformed, unknown, expired, revoked and disabled-owner keys apart', async () => {
      const u = await makeOwner();
      expect(await keys.verify('sy-short')).toEqual({ status: 'malformed' });
      expect(await keys.verify(`sy-${'x'.repeat(43)}`)).toEqual({ status: 'unknown' });
      const expired = await keys.create({ name: 'e', userId: u.id, expiresAt: Date.now() + 60_000 });
      await db('api_keys').where({ id: expired.info.id }).update({ expires_at: Date.now() - 1 });
      expect(await keys.verify(expired.secret)).toEqual({ status: 'expired' });
      const revoked = await keys.create({ name: 'r', userId: u.id });
      await keys.revoke(revoked.info.id, 'tester');
      expect(await keys.verify(revoked.secret)).toEqual({ status: 'revoked' });
      expect((await keys.get(revoked.info.id))?.status).toBe('revoked');
      const other = await keys.create({ name: 'd', userId: u.id });
      await users.update(u.id, { disabled: true });
      expect(await keys.verify(other.secret)).toEqual({ status: 'owner_disabled' });
    });

    it('reads the database once for many requests with the same key', async () => {
      const u = await makeOwner();
      const { secret } = await keys.create({ name: 'hot', userId: u.id });
      const reads = await queriesOn('api_keys', async () => {
        for (let i = 0; i < 20; i++) expect((await keys.verify(secret)).status).toBe('ok');
      });
      expect(reads).toBe(1);
      // Concurrent first uses coalesce too.
      const cold = await keys.create({ name: 'cold', userId: u.id });
      expect(await queriesOn('api_keys', () => Promise.all(Array.from({ length: 10 }, () => keys.verify(cold.secret))))).toBe(1);
    });

    it('revokes at once although the key is cached, and tells listeners', async () => {
      const u = await makeOwner();
      const { info, secret } = await keys.create({ name: 'soon revoked', userId: u.id });
      expect((await keys.verify(secret)).status).toBe('ok');
      const told: string[] = [];
      const stop = keys.onRevoke((id) => told.push(id));
      await keys.revoke(info.id, 'tester');
      stop();
      expect(told).toEqual([info.id]);
      expect(await keys.verify(secret)).toEqual({ status: 'revoked' });
    });

    it('invalidates another instance through a shared bus (the Redis hook)', async () => {
      const u = await makeOwner();
      const sharedBus = new LocalInvalidationBus(); // stands in for a Redis pub/sub bus
      const here = new ApiKeyService(db, sharedBus, { cacheTtlMs: 3_600_000, lastUsedFlushMs: 0 });
      const there = new ApiKeyService(db, sharedBus, { cacheTtlMs: 3_600_000, lastUsedFlushMs: 0 });
      const isolated = new ApiKeyService(db, new LocalInvalidationBus(), { cacheTtlMs: 3_600_000, lastUsedFlushMs: 0 });
      const { info, secret } = await here.create({ name: 'shared', userId: u.id });
      for (const s of [here, there, isolated]) expect((await s.verify(secret)).status).toBe('ok');
      await here.revoke(info.id, 'tester');
      expect(await there.verify(secret)).toEqual({ status: 'revoked' });
      // Without a shared bus an instance keeps its cached answer until the TTL runs out.
      expect((await isolated.verify(secret)).status).toBe('ok');
    });

    it('records last use in batches, not per request', async () => {
      const u = await makeOwner();
      const { info, secret } = await keys.create({ name: 'used', userId: u.id });
      const writes = await queriesOn('api_keys', async () => {
        for (let i = 0; i < 5; i++) await keys.verify(secret);
      });
      expect(writes).toBe(1); // the first read; no update yet
      expect((await db('api_keys').where({ id: info.id }).first()).last_used_at).toBeNull();
      expect((await keys.get(info.id))?.lastUsedAt).toEqual(expect.any(Number)); // listings already show it
      await keys.flushLastUsed();
      expect(Number((await db('api_keys').where({ id: info.id }).first()).last_used_at)).toBeGreaterThan(0);
    });
  });
});
