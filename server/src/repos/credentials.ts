import type { Db } from '../db/connect';
import { Vault } from '../vault/vault';
import { newId } from './ids';
import type { RecordSource } from './providers';

export type CredentialState = 'active' | 'disabled' | 'cooling';

/** A credential as the admin API shows it: never the secret, only which fields it has. */
export interface CredentialInfo {
  id: string;
  providerId: string;
  name: string;
  weight: number;
  enabled: boolean;
  state: CredentialState;
  stateReason: string | null;
  cooldownUntil: number | null;
  keyVersion: number;
  fields: string[];
  source: RecordSource;
  createdAt: number;
  updatedAt: number;
}

/** A credential with its decrypted fields, for the catalog only. */
export interface UnlockedCredential extends CredentialInfo {
  secret: Record<string, string>;
}

interface Row {
  id: string;
  provider_id: string;
  name: string;
  secret: string;
  key_version: number;
  weight: number;
  enabled: number | boolean;
  state: CredentialState;
  state_reason: string | null;
  cooldown_until: number | null;
  source: RecordSource;
  created_at: number;
  updated_at: number;
}

const context = (id: string) => `credential:${id}`;

export class CredentialRepo {
  constructor(
    private readonly db: Db,
    private readonly vault: Vault,
  ) {}

  private info(r: Row, fields: string[]): CredentialInfo {
    return {
      id: r.id,
      providerId: r.provider_id,
      name: r.name,
      weight: r.weight,
      enabled: Boolean(r.enabled),
      state: r.state,
      stateReason: r.state_reason,
      cooldownUntil: r.cooldown_until === null ? null : Number(r.cooldown_until),
      keyVersion: r.key_version,
      fields,
      source: r.source,
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
    };
  }

  private unlock(r: Row): UnlockedCredential {
    const secret = this.vault.decryptJson(r.secret, context(r.id));
    return { ...this.info(r, Object.keys(secret)), secret };
  }

  /** Every credential decrypted; throws VaultError if the master key does not fit. */
  async listUnlocked(providerId?: string): Promise<UnlockedCredential[]> {
    const q = this.db<Row>('credentials').orderBy('id');
    if (providerId) q.where({ provider_id: providerId });
    return (await q).map((r) => this.unlock(r));
  }

  async list(providerId?: string): Promise<CredentialInfo[]> {
    return (await this.listUnlocked(providerId)).map(({ secret: _secret, ...info }) => info);
  }

  async get(id: string): Promise<CredentialInfo | undefined> {
    const row = await this.db<Row>('credentials').where({ id }).first();
    if (!row) return undefined;
    const { secret: _secret, ...info } = this.unlock(row);
    return info;
  }

  async create(input: { id?: string; providerId: string; name: string; secret: Record<string, string>; weight?: number; enabled?: boolean; source?: RecordSource }): Promise<CredentialInfo> {
    const id = input.id ?? newId('cred');
    const now = Date.now();
    await this.db('credentials').insert({
      id,
      provider_id: input.providerId,
      name: input.name,
      secret: this.vault.encryptJson(input.secret, context(id)),
      key_version: this.vault.currentVersion,
      weight: input.weight ?? 1,
      enabled: input.enabled ?? true,
      state: 'active',
      source: input.source ?? 'api',
      created_at: now,
      updated_at: now,
    });
    return (await this.get(id))!;
  }

  async update(id: string, patch: { name?: string; secret?: Record<string, string>; weight?: number; enabled?: boolean }): Promise<CredentialInfo | undefined> {
    const changes: Record<string, unknown> = { updated_at: Date.now() };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.weight !== undefined) changes.weight = patch.weight;
    if (patch.enabled !== undefined) {
      changes.enabled = patch.enabled;
      // Re-enabling by hand clears an automatic disable.
      if (patch.enabled) Object.assign(changes, { state: 'active', state_reason: null, cooldown_until: null });
    }
    if (patch.secret !== undefined) {
      changes.secret = this.vault.encryptJson(patch.secret, context(id));
      changes.key_version = this.vault.currentVersion;
      Object.assign(changes, { state: 'active', state_reason: null, cooldown_until: null });
    }
    const n = await this.db('credentials').where({ id }).update(changes);
    return n ? this.get(id) : undefined;
  }

  /** Records the pool's verdict on a credential (disabled after 401/403, cooling after 429). */
  async setState(id: string, state: CredentialState, reason: string | null, cooldownUntil: number | null): Promise<void> {
    await this.db('credentials').where({ id }).update({ state, state_reason: reason, cooldown_until: cooldownUntil, updated_at: Date.now() });
  }

  async remove(id: string): Promise<boolean> {
    return (await this.db('credentials').where({ id }).delete()) > 0;
  }

  /** Re-encrypts every secret not under the current key version. Returns how many changed. */
  async reencryptAll(): Promise<number> {
    const rows = await this.db<Row>('credentials').whereNot({ key_version: this.vault.currentVersion });
    for (const r of rows) {
      const plain = this.vault.decrypt(r.secret, context(r.id));
      await this.db('credentials')
        .where({ id: r.id, secret: r.secret })
        .update({ secret: this.vault.encrypt(plain, context(r.id)), key_version: this.vault.currentVersion });
    }
    return rows.length;
  }
}

export { Vault };
