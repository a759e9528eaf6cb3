import { randomBytes } from 'node:crypto';
import type { Db } from '../db/connect';
import { CLIENT_SECRET_PREFIX, hashSecret, newSecret } from './token-secrets';

export type ClientType = 'confidential' | 'public';

/** Endpoint scopes a token can carry; the same names API keys use. */
export const OAUTH_SCOPES = ['chat', 'embeddings', 'images', 'models'] as const;

export interface OAuthClient {
  id: string;
  name: string;
  type: ClientType;
  redirectUris: string[];
  scopes: string[];
  /** First-party clients are approved without a consent page. */
  firstParty: boolean;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  id: string;
  name: string;
  type: string;
  secret_hash: string | null;
  redirect_uris: string;
  scopes: string;
  first_party: number | boolean;
  created_by: string | null;
  created_at: number | string;
  updated_at: number | string;
}

export interface ClientInput {
  name?: unknown;
  type?: unknown;
  redirectUris?: unknown;
  scopes?: unknown;
  firstParty?: unknown;
}

export class ClientInputError extends Error {}

const toClient = (r: Row): OAuthClient => ({
  id: r.id,
  name: r.name,
  type: r.type as ClientType,
  redirectUris: JSON.parse(r.redirect_uris) as string[],
  scopes: JSON.parse(r.scopes) as string[],
  firstParty: Boolean(r.first_party),
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** Redirect URIs are compared exactly (RFC 6749 §3.1.2.3); https, or http only for loopback hosts. */
function checkRedirectUris(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) throw new ClientInputError('redirectUris must be a non-empty array of absolute URLs');
  return value.map((v) => {
    if (typeof v !== 'string') throw new ClientInputError('redirectUris must be strings');
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      throw new ClientInputError(`redirect URI '${v}' is not an absolute URL`);
    }
    if (url.hash) throw new ClientInputError('a redirect URI must not contain a fragment');
    const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw new ClientInputError('redirect URIs must use https (http only for loopback hosts)');
    return v;
  });
}

function checkScopes(value: unknown): string[] {
  if (value === undefined) return [...OAUTH_SCOPES];
  if (!Array.isArray(value) || value.some((s) => !(OAUTH_SCOPES as readonly string[]).includes(s as string))) {
    throw new ClientInputError(`scopes must be a list of: ${OAUTH_SCOPES.join(', ')}`);
  }
  return [...new Set(value as string[])];
}

/** OAuth clients registered by admins. The client secret is returned once, at creation; only its hash is kept. */
export class ClientStore {
  constructor(private readonly db: Db) {}

  async list(): Promise<OAuthClient[]> {
    return ((await this.db<Row>('oauth_clients').orderBy('created_at')) as Row[]).map(toClient);
  }

  async get(id: string): Promise<OAuthClient | undefined> {
    const r = await this.db<Row>('oauth_clients').where({ id }).first();
    return r ? toClient(r) : undefined;
  }

  async secretHash(id: string): Promise<string | null | undefined> {
    const r = await this.db<Row>('oauth_clients').where({ id }).first();
    return r ? r.secret_hash : undefined;
  }

  async create(input: ClientInput, createdBy: string | null): Promise<{ client: OAuthClient; secret?: string }> {
    if (typeof input.name !== 'string' || !input.name.trim()) throw new ClientInputError('name is required');
    const type = input.type ?? 'confidential';
    if (type !== 'confidential' && type !== 'public') throw new ClientInputError("type must be 'confidential' or 'public'");
    const secret = type === 'confidential' ? newSecret(CLIENT_SECRET_PREFIX) : undefined;
    const now = Date.now();
    const id = `syc_${randomBytes(12).toString('base64url')}`;
    await this.db('oauth_clients').insert({
      id,
      name: input.name.trim(),
      type,
      secret_hash: secret ? hashSecret(secret) : null,
      redirect_uris: JSON.stringify(input.redirectUris === undefined && type === 'confidential' ? [] : checkRedirectUris(input.redirectUris)),
      scopes: JSON.stringify(checkScopes(input.scopes)),
      first_party: input.firstParty === true,
      created_by: createdBy,
      created_at: now,
      updated_at: now,
    });
    return { client: (await this.get(id))!, secret };
  }

  async update(id: string, input: ClientInput): Promise<OAuthClient | undefined> {
    const changes: Record<string, unknown> = { updated_at: Date.now() };
    if (input.name !== undefined) {
      if (typeof input.name !== 'string' || !input.name.trim()) throw new ClientInputError('name must be a non-empty string');
      changes.name = input.name.trim();
    }
    if (input.type !== undefined) throw new ClientInputError('the client type cannot change; register a new client');
    if (input.redirectUris !== undefined) changes.redirect_uris = JSON.stringify(checkRedirectUris(input.redirectUris));
    if (input.scopes !== undefined) changes.scopes = JSON.stringify(checkScopes(input.scopes));
    if (input.firstParty !== undefined) changes.first_party = input.firstParty === true;
    const n = await this.db('oauth_clients').where({ id }).update(changes);
    return n ? this.get(id) : undefined;
  }

  /** Deleting a client deletes its codes and tokens (cascade): they stop working at once. */
  async remove(id: string): Promise<boolean> {
    await this.db('oauth_tokens').where({ client_id: id }).delete();
    await this.db('oauth_codes').where({ client_id: id }).delete();
    return (await this.db('oauth_clients').where({ id }).delete()) > 0;
  }
}
