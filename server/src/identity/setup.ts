import { errors } from '@switchyard/core';
import type { Db } from '../db/connect';
import { passwordProblem } from './passwords';
import { randomToken, sha256Hex } from './secrets';
import type { User, UserService } from './users';

const SETUP_DONE = 'setup.completed_at';

/**
 * First run. While no owner exists, each start issues a one-time setup token (printed by main.ts as a
 * /setup?token=... link, never logged); POST /api/setup with it creates the owner. The token is stored
 * only as a hash, works once, and expires. Completing setup is claimed through a unique row, so two
 * racing setups cannot both create an owner.
 */
export class SetupService {
  constructor(
    private readonly db: Db,
    private readonly users: UserService,
    private readonly tokenTtlMs: number,
  ) {}

  async required(): Promise<boolean> {
    return (await this.users.count('owner')) === 0;
  }

  /** A fresh setup token when setup is still needed. */
  async issueToken(): Promise<{ token: string; expiresAt: number } | undefined> {
    if (!(await this.required())) return undefined;
    const now = Date.now();
    await this.db('setup_tokens').where('expires_at', '<=', now).orWhereNotNull('used_at').delete();
    const token = randomToken(32);
    const expiresAt = now + this.tokenTtlMs;
    await this.db('setup_tokens').insert({ token_hash: sha256Hex(token), created_at: now, expires_at: expiresAt });
    return { token, expiresAt };
  }

  async tokenValid(token: string): Promise<boolean> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return false;
    const row = await this.db('setup_tokens').where({ token_hash: sha256Hex(token) }).whereNull('used_at').where('expires_at', '>', Date.now()).first('token_hash');
    return Boolean(row);
  }

  /**
   * Creates the owner. `token` is required unless the caller already proved itself (the admin key).
   * Throws 409 once an owner exists, 401 for a bad token, 400 for bad input.
   */
  async complete(input: { token?: string; email: string; password: string; name?: string }, trustedCaller: boolean): Promise<User> {
    const problem = passwordProblem(input.password);
    if (problem) throw errors.invalidRequest(problem, 'password', 'weak_password');
    if (!(await this.required())) throw errors.conflict('Setup is already complete: an owner exists. Sign in instead.', null, 'already_set_up');
    if (!trustedCaller && !(input.token !== undefined && (await this.tokenValid(input.token)))) {
      throw errors.unauthorized('The setup token is invalid, expired or already used. Restart the server to get a new setup link.', 'invalid_setup_token');
    }
    try {
      await this.db('instance_state').insert({ key: SETUP_DONE, value: String(Date.now()), updated_at: Date.now() });
    } catch {
      throw errors.conflict('Setup is already complete: an owner exists. Sign in instead.', null, 'already_set_up');
    }
    try {
      if (input.token !== undefined && !trustedCaller) {
        const used = await this.db('setup_tokens').where({ token_hash: sha256Hex(input.token) }).whereNull('used_at').update({ used_at: Date.now() });
        if (!used) throw errors.unauthorized('The setup token is invalid, expired or already used. Restart the server to get a new setup link.', 'invalid_setup_token');
      }
      const owner = await this.users.create({ email: input.email, name: input.name, password: input.password, role: 'owner' });
      // Any other outstanding links are useless now; remove them.
      await this.db('setup_tokens').delete();
      return owner;
    } catch (err) {
      await this.db('instance_state').where({ key: SETUP_DONE }).delete();
      throw err;
    }
  }
}
