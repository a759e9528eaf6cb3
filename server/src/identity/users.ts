import { errors } from '@switchyard/core';
import type { Logger } from '@switchyard/spec';
import type { Db } from '../db/connect';
import { newId } from '../repos/ids';
import type { InvalidationBus } from './invalidation-bus';
import { hashPassword, needsRehash, passwordProblem, verifyPassword, type ScryptParams } from './passwords';
import type { Role } from './roles';

/** A user as the API shows it: never the password hash. */
export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  hasPassword: boolean;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
  passwordChangedAt: number | null;
}

interface Row {
  id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string | null;
  disabled: number | boolean;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
  password_changed_at: number | null;
}

const toUser = (r: Row): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  disabled: Boolean(r.disabled),
  hasPassword: r.password_hash !== null,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  lastLoginAt: r.last_login_at === null ? null : Number(r.last_login_at),
  passwordChangedAt: r.password_changed_at === null ? null : Number(r.password_changed_at),
});

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export interface NewUser {
  email: string;
  name?: string;
  role: Role;
  /** Absent for users who will sign in another way (OIDC). */
  password?: string;
}

/**
 * The users table, and password verification. Every change publishes `user.changed` so caches
 * holding the user's role (sessions, API keys) drop it at once.
 */
export class UserService {
  // A real hash to verify against when the account does not exist, so a wrong email costs the
  // same time as a wrong password and timing does not reveal which accounts exist.
  private dummyHash: Promise<string> | undefined;
  private readonly createdListeners = new Set<(user: User) => Promise<void> | void>();

  constructor(
    private readonly db: Db,
    private readonly bus: InvalidationBus,
    private readonly scrypt: ScryptParams,
    private readonly logger?: Logger,
  ) {}

  /**
   * Called after each new user is stored (setup, the admin API, later OIDC sign-up), e.g. for billing's
   * starter credits. A listener's failure is logged and does not undo the user.
   */
  onCreated(listener: (user: User) => Promise<void> | void): () => void {
    this.createdListeners.add(listener);
    return () => this.createdListeners.delete(listener);
  }

  async get(id: string): Promise<User | undefined> {
    const row = await this.db<Row>('users').where({ id }).first();
    return row && toUser(row);
  }

  async getByEmail(email: string): Promise<User | undefined> {
    const row = await this.db<Row>('users').where({ email: normalizeEmail(email) }).first();
    return row && toUser(row);
  }

  async list(): Promise<User[]> {
    return (await this.db<Row>('users').orderBy('created_at').orderBy('id')).map(toUser);
  }

  async count(role?: Role): Promise<number> {
    const q = this.db('users').count<{ n: number | string }[]>({ n: '*' });
    if (role) q.where({ role });
    const [{ n }] = await q;
    return Number(n);
  }

  /** Owners that can still sign in: the ones that keep the installation manageable. */
  async activeOwnerCount(): Promise<number> {
    const [{ n }] = await this.db('users').where({ role: 'owner', disabled: false }).count<{ n: number | string }[]>({ n: '*' });
    return Number(n);
  }

  async create(input: NewUser): Promise<User> {
    const email = normalizeEmail(input.email);
    if (await this.getByEmail(email)) throw errors.conflict(`A user with the email '${email}' already exists.`, 'email');
    let hash: string | null = null;
    if (input.password !== undefined) {
      const problem = passwordProblem(input.password);
      if (problem) throw errors.invalidRequest(problem, 'password', 'weak_password');
      hash = await hashPassword(input.password, this.scrypt);
    }
    const now = Date.now();
    const id = newId('user');
    try {
      await this.db('users').insert({
        id,
        email,
        name: input.name?.trim() || email,
        role: input.role,
        password_hash: hash,
        disabled: false,
        created_at: now,
        updated_at: now,
        password_changed_at: hash ? now : null,
      });
    } catch (err) {
      // Lost a race with another request creating the same email.
      if (await this.getByEmail(email)) throw errors.conflict(`A user with the email '${email}' already exists.`, 'email');
      throw err;
    }
    const user = (await this.get(id))!;
    for (const listener of this.createdListeners) {
      try {
        await listener(user);
      } catch (err) {
        this.logger?.error({ err: (err as Error).message, user: id }, 'a user-created listener failed');
      }
    }
    return user;
  }

  async update(id: string, patch: { name?: string; role?: Role; disabled?: boolean }): Promise<User | undefined> {
    const changes: Record<string, unknown> = { updated_at: Date.now() };
    if (patch.name !== undefined) changes.name = patch.name.trim();
    if (patch.role !== undefined) changes.role = patch.role;
    if (patch.disabled !== undefined) changes.disabled = patch.disabled;
    const n = await this.db('users').where({ id }).update(changes);
    if (!n) return undefined;
    this.bus.publish({ type: 'user.changed', userId: id });
    return this.get(id);
  }

  async setPassword(id: string, password: string): Promise<boolean> {
    const problem = passwordProblem(password);
    if (problem) throw errors.invalidRequest(problem, 'password', 'weak_password');
    const now = Date.now();
    const n = await this.db('users').where({ id }).update({ password_hash: await hashPassword(password, this.scrypt), password_changed_at: now, updated_at: now });
    if (n) this.bus.publish({ type: 'user.changed', userId: id });
    return n > 0;
  }

  async remove(id: string): Promise<boolean> {
    const n = await this.db('users').where({ id }).delete();
    if (n) this.bus.publish({ type: 'user.changed', userId: id });
    return n > 0;
  }

  async recordLogin(id: string): Promise<void> {
    await this.db('users').where({ id }).update({ last_login_at: Date.now() });
  }

  /**
   * The user whose email and password these are, or undefined. Disabled users and users without
   * a password never match. Takes about the same time whether or not the email exists.
   */
  async verifyCredentials(email: string, password: string): Promise<User | undefined> {
    const row = await this.db<Row>('users').where({ email: normalizeEmail(email) }).first();
    if (!row?.password_hash) {
      await verifyPassword(password, await this.dummy());
      return undefined;
    }
    if (!(await verifyPassword(password, row.password_hash))) return undefined;
    if (row.disabled) return undefined;
    if (needsRehash(row.password_hash, this.scrypt)) {
      // Upgrade old hashes while the plain password is at hand.
      await this.db('users').where({ id: row.id }).update({ password_hash: await hashPassword(password, this.scrypt) });
    }
    return toUser(row);
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword('not a real password, only spends time', this.scrypt);
    return this.dummyHash;
  }
}
