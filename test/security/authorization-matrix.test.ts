import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ROUTE_RULES } from '../../server/src/identity/route-rules';
import { atLeast, type Role } from '../../server/src/identity/roles';
import { storageBackends } from '../support/backends';
import { listAdminRoutes } from './routes';
import { adminKeyHeaders, createKey, createUser, finishSetup, login, startSecurityGateway, unique, type ConsoleSession, type SecurityGateway } from './support';

/*
 * Every admin route x every kind of caller, with the outcome each must get. The expected access
 * of each route is written here again, on purpose, independently of the rule table: a change to
 * the table has to be a conscious change to this file too. A route the router serves that is not
 * listed here (or not in the table) fails the suite.
 */

const PRINCIPALS = ['anonymous', 'viewer', 'member', 'admin', 'owner', 'adminKey', 'memberAdminKey', 'chatOnlyKey', 'revokedKey', 'expiredKey'] as const;
type PrincipalName = (typeof PRINCIPALS)[number];
const SESSION_ROLES = ['viewer', 'member', 'admin', 'owner'] as const;

interface World {
  gw: SecurityGateway;
  users: Record<Role, { id: string; email: string; password: string }>;
  sessions: Record<Role, ConsoleSession>;
  keys: Record<'memberAdminKey' | 'chatOnlyKey' | 'revokedKey' | 'expiredKey', string>;
}

/** The role a caller acts with on /api (undefined: it never gets that far). */
function roleOf(p: PrincipalName): Role | undefined {
  if ((SESSION_ROLES as readonly string[]).includes(p)) return p as Role;
  if (p === 'adminKey') return 'owner';
  if (p === 'memberAdminKey') return 'member';
  return undefined;
}

/** The user a caller belongs to. */
function userOf(w: World, p: PrincipalName) {
  if ((SESSION_ROLES as readonly string[]).includes(p)) return w.users[p as Role];
  if (p === 'memberAdminKey') return w.users.member;
  if (p === 'chatOnlyKey') return w.users.admin;
  return undefined;
}

function headersOf(w: World, p: PrincipalName): Record<string, string> {
  if (p === 'anonymous') return {};
  if (p === 'adminKey') return adminKeyHeaders;
  if ((SESSION_ROLES as readonly string[]).includes(p)) return w.sessions[p as Role].headers;
  return { authorization: `Bearer ${w.keys[p as keyof World['keys']]}` };
}

interface Prepared {
  path?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Case {
  /** `METHOD /path` exactly as the router declares it (under /api). */
  route: string;
  access: 'public' | Role;
  prepare?(w: World, p: PrincipalName): Promise<Prepared> | Prepared;
  /** What an allowed caller gets; default: a 2xx. */
  ok?(status: number, p: PrincipalName): boolean;
  /** Public routes: the status each caller gets. */
  expectPublic?(p: PrincipalName): number | ((status: number) => boolean);
  /** Run after each call (the call may have ended sessions). */
  after?(w: World): Promise<void>;
}

const is2xx = (s: number) => s >= 200 && s < 300;
/** The call got past authentication and the role gate; what the handler said depends on input. */
const reachedHandler = (s: number) => s !== 401 && s !== 403;
const withParams = (route: string) => route.split(' ')[1].replace(/:id\b/g, 'nonexistent').replace(/:provider\b/g, 'none').replace(/:version\b/g, '1');

// Fresh targets made with the admin key, so destructive calls never share one.
async function freshProvider(w: World): Promise<string> {
  const id = unique('p').toLowerCase();
  const r = await w.gw.call('POST', '/api/providers', { headers: adminKeyHeaders, body: { id, plugin: 'mock', settings: {} } });
  if (r.status !== 201) throw new Error(r.text);
  return id;
}
async function freshCredential(w: World): Promise<string> {
  const r = await w.gw.call('POST', '/api/providers/mock/credentials', { headers: adminKeyHeaders, body: { name: unique('c'), secret: { apiKey: 'mock-secret-value' } } });
  if (r.status !== 201) throw new Error(r.text);
  return r.body.id;
}
async function freshModel(w: World): Promise<string> {
  const id = unique('m');
  const r = await w.gw.call('PUT', `/api/models/${id}`, { headers: adminKeyHeaders, body: { providerId: 'mock' } });
  if (r.status !== 200) throw new Error(r.text);
  return id;
}
async function freshViewer(w: World): Promise<string> {
  return createUser(w.gw, 'viewer', `${unique('v')}@example.com`, 'viewer-password-x');
}
async function keyOwnedBy(w: World, p: PrincipalName): Promise<string> {
  return (await createKey(w.gw, { name: unique('k'), userId: (userOf(w, p) ?? w.users.owner).id })).id;
}

const loose = (route: string, access: Role): Case => ({ route, access, prepare: () => ({ path: withParams(route), body: route.startsWith('GET ') ? undefined : {} }), ok: reachedHandler });

const CASES: Case[] = [
  // First run and sign-in (public)
  { route: 'GET /setup', access: 'public', expectPublic: () => 200 },
  {
    route: 'POST /setup',
    access: 'public',
    prepare: () => ({ body: { email: 'second-owner@example.com', password: 'second-owner-password' } }),
    expectPublic: (p) => (p === 'revokedKey' || p === 'expiredKey' ? 401 : p === 'chatOnlyKey' || p === 'memberAdminKey' ? 403 : 409),
  },
  { route: 'POST /auth/login', access: 'public', prepare: (w) => ({ body: { email: w.users.viewer.email, password: w.users.viewer.password } }), expectPublic: () => 200 },
  {
    route: 'POST /auth/logout',
    access: 'public',
    // A session principal logs out a throwaway session of its own role, so its main one survives.
    prepare: async (w, p) => {
      const role = roleOf(p);
      if (!role || p === 'adminKey' || p === 'memberAdminKey') return {};
      const s = await login(w.gw, w.users[role].email, w.users[role].password);
      return { headers: s.headers };
    },
    expectPublic: () => 204,
  },
  { route: 'GET /auth/me', access: 'viewer' },
  {
    route: 'POST /auth/password',
    access: 'viewer',
    prepare: (w, p) => ({ body: { currentPassword: userOf(w, p)?.password ?? 'whatever-password', newPassword: userOf(w, p)?.password ?? 'whatever-password' } }),
    ok: (s, p) => (p === 'adminKey' ? s === 400 : s === 204),
    after: (w) => refreshSessions(w),
  },

  // Catalog
  { route: 'GET /providers', access: 'viewer' },
  { route: 'POST /providers', access: 'admin', prepare: () => ({ body: { id: unique('np').toLowerCase(), plugin: 'mock', settings: {} } }) },
  { route: 'GET /providers/:id', access: 'viewer', prepare: () => ({ path: '/providers/mock' }) },
  { route: 'PATCH /providers/:id', access: 'admin', prepare: async (w) => ({ path: `/providers/${await freshProvider(w)}`, body: { name: 'renamed' } }) },
  { route: 'DELETE /providers/:id', access: 'admin', prepare: async (w) => ({ path: `/providers/${await freshProvider(w)}` }) },
  { route: 'POST /providers/:id/test', access: 'admin', prepare: () => ({ path: '/providers/mock/test', body: {} }) },
  { route: 'GET /providers/:id/credentials', access: 'viewer', prepare: () => ({ path: '/providers/mock/credentials' }) },
  { route: 'POST /providers/:id/credentials', access: 'admin', prepare: () => ({ path: '/providers/mock/credentials', body: { name: unique('c'), secret: { apiKey: 'mock-secret-value' } } }) },
  { route: 'PATCH /credentials/:id', access: 'admin', prepare: async (w) => ({ path: `/credentials/${await freshCredential(w)}`, body: { weight: 2 } }) },
  { route: 'DELETE /credentials/:id', access: 'admin', prepare: async (w) => ({ path: `/credentials/${await freshCredential(w)}` }) },
  { route: 'GET /models', access: 'viewer' },
  { route: 'PUT /models/*id', access: 'admin', prepare: () => ({ path: `/models/${unique('nm')}`, body: { providerId: 'mock' } }) },
  { route: 'DELETE /models/*id', access: 'admin', prepare: async (w) => ({ path: `/models/${await freshModel(w)}` }) },
  { route: 'GET /plugins', access: 'viewer' },

  // Users
  { route: 'GET /users', access: 'admin' },
  { route: 'POST /users', access: 'admin', prepare: () => ({ body: { email: `${unique('u')}@example.com`, role: 'viewer', password: 'new-user-password' } }) },
  { route: 'GET /users/:id', access: 'admin', prepare: (w) => ({ path: `/users/${w.users.viewer.id}` }) },
  { route: 'PATCH /users/:id', access: 'admin', prepare: async (w) => ({ path: `/users/${await freshViewer(w)}`, body: { name: 'Renamed' } }) },
  { route: 'DELETE /users/:id', access: 'admin', prepare: async (w) => ({ path: `/users/${await freshViewer(w)}` }) },

  // Keys
  { route: 'GET /keys', access: 'viewer' },
  { route: 'POST /keys', access: 'member', prepare: (w, p) => ({ body: { name: unique('k'), ...(p === 'adminKey' ? { userId: w.users.owner.id } : {}) } }) },
  { route: 'GET /keys/:id', access: 'viewer', prepare: async (w, p) => ({ path: `/keys/${await keyOwnedBy(w, p)}` }) },
  { route: 'DELETE /keys/:id', access: 'member', prepare: async (w, p) => ({ path: `/keys/${await keyOwnedBy(w, p)}` }) },

  // Audit
  { route: 'GET /audit', access: 'admin' },
  { route: 'GET /audit.csv', access: 'admin' },
  { route: 'GET /audit/verify', access: 'admin' },

  // Usage analytics (the routes' own inputs are not this suite's business: reaching them is)
  loose('GET /analytics/summary', 'viewer'),
  loose('GET /analytics/timeseries', 'viewer'),
  loose('GET /analytics/breakdown', 'viewer'),
  loose('GET /analytics/events', 'viewer'),
  loose('GET /analytics/status', 'admin'),
  loose('GET /analytics/retention', 'admin'),
  loose('PUT /analytics/retention', 'admin'),

  // Billing
  loose('GET /billing/settings', 'viewer'),
  loose('PATCH /billing/settings', 'admin'),
  loose('GET /billing/prices', 'viewer'),
  loose('GET /billing/prices/history', 'viewer'),
  loose('GET /billing/prices/:id', 'viewer'),
  loose('GET /billing/prices/:id/history', 'viewer'),
  loose('POST /billing/prices', 'admin'),
  loose('PATCH /billing/prices/:id', 'admin'),
  loose('DELETE /billing/prices/:id', 'admin'),
  loose('GET /billing/accounts', 'admin'),
  loose('POST /billing/accounts', 'admin'),
  loose('GET /billing/accounts/:id', 'admin'),
  loose('PATCH /billing/accounts/:id', 'admin'),
  loose('POST /billing/accounts/:id/topups', 'admin'),
  loose('POST /billing/accounts/:id/grants', 'admin'),
  loose('POST /billing/accounts/:id/adjustments', 'admin'),
  loose('GET /billing/accounts/:id/grants', 'admin'),
  loose('GET /billing/accounts/:id/ledger', 'admin'),
  loose('POST /billing/accounts/:id/checkout', 'admin'),
  loose('GET /billing/ledger', 'admin'),
  loose('GET /billing/settlements', 'admin'),
  loose('GET /billing/audit', 'admin'),
  loose('POST /billing/reconcile', 'admin'),
  loose('GET /billing/budgets', 'admin'),
  loose('PUT /billing/budgets', 'admin'),
  loose('PATCH /billing/budgets/:id', 'admin'),
  loose('DELETE /billing/budgets/:id', 'admin'),

  // Routing pipelines
  loose('GET /node-types', 'viewer'),
  loose('GET /pipelines', 'viewer'),
  loose('POST /pipelines', 'admin'),
  loose('GET /pipelines/bindings', 'viewer'),
  loose('POST /pipelines/validate', 'viewer'),
  loose('GET /pipelines/:id', 'viewer'),
  loose('PATCH /pipelines/:id', 'admin'),
  loose('DELETE /pipelines/:id', 'admin'),
  loose('GET /pipelines/:id/versions', 'viewer'),
  loose('GET /pipelines/:id/versions/:version', 'viewer'),
  loose('POST /pipelines/:id/publish', 'admin'),
  loose('POST /pipelines/:id/rollback', 'admin'),
  loose('GET /pipelines/:id/diff', 'viewer'),
  loose('GET /pipelines/:id/bindings', 'viewer'),
  loose('PUT /pipelines/:id/bindings', 'admin'),
  loose('POST /pipelines/:id/test-run', 'admin'),

  // OAuth clients
  loose('GET /oauth/clients', 'admin'),
  loose('POST /oauth/clients', 'admin'),
  loose('GET /oauth/clients/:id', 'admin'),
  loose('PATCH /oauth/clients/:id', 'admin'),
  loose('DELETE /oauth/clients/:id', 'admin'),

  { route: 'GET /public/models', access: 'public', prepare: () => ({ path: '/public/models' }), expectPublic: () => reachedHandler },
  { route: 'POST /public/payments/:provider/webhook', access: 'public', prepare: () => ({ path: '/public/payments/none/webhook', body: {} }), expectPublic: () => reachedHandler },
];

async function refreshSessions(w: World): Promise<void> {
  for (const role of SESSION_ROLES) {
    const me = await w.gw.call('GET', '/api/auth/me', { headers: w.sessions[role].headers });
    if (me.status !== 200) w.sessions[role] = await login(w.gw, w.users[role].email, w.users[role].password);
  }
}

/** What a caller must get on a protected route: a status and, for refusals, the error code. */
function expectation(c: Case, p: PrincipalName): { test: (s: number) => boolean; code?: string; describe: string } {
  if (c.access === 'public') {
    const e = c.expectPublic!(p);
    return typeof e === 'number' ? { test: (s) => s === e, describe: String(e) } : { test: e, describe: 'handler reached' };
  }
  if (p === 'anonymous') return { test: (s) => s === 401, code: 'missing_api_key', describe: '401 missing_api_key' };
  if (p === 'revokedKey') return { test: (s) => s === 401, code: 'api_key_revoked', describe: '401 api_key_revoked' };
  if (p === 'expiredKey') return { test: (s) => s === 401, code: 'api_key_expired', describe: '401 api_key_expired' };
  if (p === 'chatOnlyKey') return { test: (s) => s === 403, code: 'missing_scope', describe: '403 missing_scope' };
  if (atLeast(roleOf(p), c.access)) return { test: (s) => (c.ok ?? is2xx)(s, p), describe: 'allowed' };
  return { test: (s) => s === 403, code: 'insufficient_role', describe: '403 insufficient_role' };
}

describe.each(await storageBackends())('authorization matrix on %s', (backend) => {
  const w = {} as World;

  beforeAll(async () => {
    w.gw = await startSecurityGateway({ backend });
    const ownerPassword = 'owner-password-123';
    const owner = await finishSetup(w.gw, 'owner@example.com', ownerPassword);
    w.users = { owner: { id: owner.userId, email: 'owner@example.com', password: ownerPassword } } as World['users'];
    w.sessions = { owner } as World['sessions'];
    for (const role of ['viewer', 'member', 'admin'] as const) {
      const email = `${role}@example.com`;
      const password = `${role}-password-123`;
      w.users[role] = { id: await createUser(w.gw, role, email, password), email, password };
      w.sessions[role] = await login(w.gw, email, password);
    }
    const revoked = await createKey(w.gw, { name: 'revoked', userId: w.users.admin.id, scopes: ['admin'] });
    expect((await w.gw.call('DELETE', `/api/keys/${revoked.id}`, { headers: adminKeyHeaders })).status).toBe(200);
    const expired = await createKey(w.gw, { name: 'expired', userId: w.users.admin.id, scopes: ['admin'], expiresInDays: 1 });
    await w.gw.db('api_keys').where({ id: expired.id }).update({ expires_at: Date.now() - 1000 });
    w.keys = {
      memberAdminKey: (await createKey(w.gw, { name: 'member admin-scope', userId: w.users.member.id, scopes: ['admin'] })).key,
      chatOnlyKey: (await createKey(w.gw, { name: 'chat only', userId: w.users.admin.id, scopes: ['chat'] })).key,
      revokedKey: revoked.key,
      expiredKey: expired.key,
    };
  });
  afterAll(() => w.gw?.stop());

  it('has a rule for every route the server serves, and no rule for a route it does not', () => {
    const served = listAdminRoutes(w.gw.app);
    const ruled = ADMIN_ROUTE_RULES.map((r) => `${r.method} ${r.path}`);
    expect(served.filter((r) => !ruled.includes(r))).toEqual([]);
    expect(ruled.filter((r) => !served.includes(r))).toEqual([]);
    expect(new Set(ruled).size).toBe(ruled.length);
  });

  it('has a matrix case for every route, expecting what the rule table says', () => {
    const served = listAdminRoutes(w.gw.app);
    const cased = CASES.map((c) => c.route);
    expect(served.filter((r) => !cased.includes(r))).toEqual([]);
    expect(cased.filter((r) => !served.includes(r))).toEqual([]);
    for (const rule of ADMIN_ROUTE_RULES) expect({ route: `${rule.method} ${rule.path}`, access: CASES.find((c) => c.route === `${rule.method} ${rule.path}`)?.access }).toEqual({ route: `${rule.method} ${rule.path}`, access: rule.access });
  });

  it.each(CASES.map((c) => [c.route, c] as const))('%s', async (_name, c) => {
    const mismatches: string[] = [];
    for (const p of PRINCIPALS) {
      const prepared = (await c.prepare?.(w, p)) ?? {};
      const method = c.route.split(' ')[0];
      const path = prepared.path ?? c.route.split(' ')[1];
      const reply = await w.gw.call(method, `/api${path}`, { headers: prepared.headers ?? headersOf(w, p), body: prepared.body ?? (method === 'GET' || method === 'DELETE' ? undefined : {}) });
      const want = expectation(c, p);
      const code = typeof reply.body === 'object' ? reply.body?.error?.code : undefined;
      if (!want.test(reply.status) || (want.code && code !== want.code)) mismatches.push(`${p}: wanted ${want.describe}, got ${reply.status} ${code ?? ''} ${reply.text.slice(0, 160)}`);
      if (reply.status >= 400 && reply.status !== 404) expect(reply.body?.error).toMatchObject({ message: expect.any(String), type: expect.any(String) });
      await c.after?.(w);
    }
    expect(mismatches).toEqual([]);
  });

  it('keeps members to their own keys and admins away from owners', async () => {
    const { gw, sessions, users } = w;
    const adminsKey = await createKey(gw, { name: 'admins', userId: users.admin.id });
    // Someone else's key looks like no key at all.
    expect((await gw.call('GET', `/api/keys/${adminsKey.id}`, { headers: sessions.member.headers })).status).toBe(404);
    expect((await gw.call('DELETE', `/api/keys/${adminsKey.id}`, { headers: sessions.member.headers })).status).toBe(404);
    const memberList = await gw.call('GET', '/api/keys', { headers: sessions.member.headers });
    expect(memberList.body.data.every((k: { userId: string }) => k.userId === users.member.id)).toBe(true);
    const forOther = await gw.call('POST', '/api/keys', { headers: sessions.member.headers, body: { name: 'x', userId: users.admin.id } });
    expect(forOther.status).toBe(403);

    // Admins cannot make, change or remove owners.
    expect((await gw.call('POST', '/api/users', { headers: sessions.admin.headers, body: { email: 'o2@example.com', role: 'owner', password: 'another-owner-pw' } })).body.error.code).toBe('owner_required');
    expect((await gw.call('PATCH', `/api/users/${users.owner.id}`, { headers: sessions.admin.headers, body: { role: 'member' } })).body.error.code).toBe('owner_required');
    expect((await gw.call('PATCH', `/api/users/${users.viewer.id}`, { headers: sessions.admin.headers, body: { role: 'owner' } })).body.error.code).toBe('owner_required');
    expect((await gw.call('DELETE', `/api/users/${users.owner.id}`, { headers: sessions.admin.headers })).body.error.code).toBe('owner_required');
    // The last owner stays, even against an owner.
    expect((await gw.call('PATCH', `/api/users/${users.owner.id}`, { headers: sessions.owner.headers, body: { role: 'admin' } })).body.error.code).toBe('last_owner');
    expect((await gw.call('PATCH', `/api/users/${users.owner.id}`, { headers: sessions.owner.headers, body: { disabled: true } })).body.error.code).toBe('last_owner');
    expect((await gw.call('DELETE', `/api/users/${users.owner.id}`, { headers: adminKeyHeaders })).body.error.code).toBe('last_owner');
    expect((await gw.call('GET', `/api/users/${users.owner.id}`, { headers: adminKeyHeaders })).body.role).toBe('owner');
  });

  it('applies a role change to open sessions and keys at once, and audits it', async () => {
    const { gw, users } = w;
    const email = `${unique('promote')}@example.com`;
    const id = await createUser(gw, 'viewer', email, 'promote-me-please');
    const s = await login(gw, email, 'promote-me-please');
    const key = await createKey(gw, { name: 'k', userId: id, scopes: ['admin'] });
    const asSession = () => gw.call('GET', '/api/users', { headers: s.headers });
    const asKey = () => gw.call('GET', '/api/users', { headers: { authorization: `Bearer ${key.key}` } });
    expect((await asSession()).status).toBe(403);
    expect((await asKey()).status).toBe(403);
    expect((await gw.call('PATCH', `/api/users/${id}`, { headers: w.sessions.owner.headers, body: { role: 'admin' } })).status).toBe(200);
    expect((await asSession()).status).toBe(200);
    expect((await asKey()).status).toBe(200);
    const audit = await gw.call('GET', `/api/audit?action=user.role.change&target=${id}`, { headers: adminKeyHeaders });
    expect(audit.body.data[0]).toMatchObject({ actor: { type: 'user', id: users.owner.id }, details: { before: { role: 'viewer' }, after: { role: 'admin' } } });
    // Disabling ends both at once too.
    expect((await gw.call('PATCH', `/api/users/${id}`, { headers: w.sessions.owner.headers, body: { disabled: true } })).status).toBe(200);
    expect((await asSession()).status).toBe(401);
    expect((await asKey()).body.error.code).toBe('api_key_owner_disabled');
  });
});
