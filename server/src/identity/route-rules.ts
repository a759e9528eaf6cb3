import type { Role } from './roles';

/** Who may call a route: anyone (`public`), or a role and every role above it. */
export type Access = 'public' | Role;

export interface RouteRule {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The route's path under /api, written exactly as the router declares it. */
  path: string;
  access: Access;
  /** Why, and what the handler narrows further (own records only, owner-only targets). */
  note?: string;
}

/**
 * The authorization table of the admin API, in one place. Every route mounted under /api must have
 * a line here (test/security/authorization-matrix.test.ts enumerates the router and fails otherwise);
 * a route without one is treated as admin-only. Roles: viewer reads; member also manages its own
 * keys (and, later, sees its own usage); admin does everything but manage owners; owner does all.
 */
export const ADMIN_ROUTE_RULES: RouteRule[] = [
  // First run and sign-in
  { method: 'GET', path: '/setup', access: 'public', note: 'whether the first-run screen is needed' },
  { method: 'POST', path: '/setup', access: 'public', note: 'needs the one-time setup token or the admin key; refused once an owner exists' },
  { method: 'POST', path: '/auth/login', access: 'public' },
  { method: 'POST', path: '/auth/logout', access: 'public', note: "ends the caller's own session; needs its CSRF token" },
  { method: 'GET', path: '/auth/me', access: 'viewer' },
  { method: 'POST', path: '/auth/password', access: 'viewer', note: 'own password only, with the current one' },

  // Providers, credentials, models, plugins
  { method: 'GET', path: '/providers', access: 'viewer' },
  { method: 'POST', path: '/providers', access: 'admin' },
  { method: 'GET', path: '/providers/:id', access: 'viewer' },
  { method: 'PATCH', path: '/providers/:id', access: 'admin' },
  { method: 'DELETE', path: '/providers/:id', access: 'admin' },
  { method: 'POST', path: '/providers/:id/test', access: 'admin', note: 'uses a stored credential against the upstream' },
  { method: 'GET', path: '/providers/:id/credentials', access: 'viewer', note: 'names and field names only, never secrets' },
  { method: 'POST', path: '/providers/:id/credentials', access: 'admin' },
  { method: 'PATCH', path: '/credentials/:id', access: 'admin' },
  { method: 'DELETE', path: '/credentials/:id', access: 'admin' },
  { method: 'GET', path: '/models', access: 'viewer' },
  { method: 'PUT', path: '/models/*id', access: 'admin' },
  { method: 'DELETE', path: '/models/*id', access: 'admin' },
  { method: 'GET', path: '/plugins', access: 'viewer' },

  // Users
  { method: 'GET', path: '/users', access: 'admin' },
  { method: 'POST', path: '/users', access: 'admin', note: 'creating an owner needs an owner' },
  { method: 'GET', path: '/users/:id', access: 'admin' },
  { method: 'PATCH', path: '/users/:id', access: 'admin', note: 'owners are changed, and made, by owners only; the last owner stays' },
  { method: 'DELETE', path: '/users/:id', access: 'admin', note: 'owners are removed by owners only; never the last one' },

  // API keys
  { method: 'GET', path: '/keys', access: 'viewer', note: 'own keys; admins see all' },
  { method: 'POST', path: '/keys', access: 'member', note: 'for oneself; admins for anyone' },
  { method: 'GET', path: '/keys/:id', access: 'viewer', note: 'own keys; admins any' },
  { method: 'DELETE', path: '/keys/:id', access: 'member', note: 'revokes; own keys, admins any' },

  // Audit log
  { method: 'GET', path: '/audit', access: 'admin' },
  { method: 'GET', path: '/audit.csv', access: 'admin' },
  { method: 'GET', path: '/audit/verify', access: 'admin' },

  // Usage analytics: read by everyone with a role (the routes narrow non-admins to their own traffic); status and retention are admin business
  { method: 'GET', path: '/analytics/summary', access: 'viewer' },
  { method: 'GET', path: '/analytics/timeseries', access: 'viewer' },
  { method: 'GET', path: '/analytics/breakdown', access: 'viewer' },
  { method: 'GET', path: '/analytics/events', access: 'viewer' },
  { method: 'GET', path: '/analytics/status', access: 'admin' },
  { method: 'GET', path: '/analytics/retention', access: 'admin' },
  { method: 'PUT', path: '/analytics/retention', access: 'admin' },

  // Billing: prices and settings are readable by all roles; accounts, money and budgets are admin business
  { method: 'GET', path: '/billing/settings', access: 'viewer' },
  { method: 'PATCH', path: '/billing/settings', access: 'admin' },
  { method: 'GET', path: '/billing/prices', access: 'viewer' },
  { method: 'GET', path: '/billing/prices/history', access: 'viewer' },
  { method: 'GET', path: '/billing/prices/:id', access: 'viewer' },
  { method: 'GET', path: '/billing/prices/:id/history', access: 'viewer' },
  { method: 'POST', path: '/billing/prices', access: 'admin' },
  { method: 'PATCH', path: '/billing/prices/:id', access: 'admin' },
  { method: 'DELETE', path: '/billing/prices/:id', access: 'admin' },
  { method: 'GET', path: '/billing/accounts', access: 'admin' },
  { method: 'POST', path: '/billing/accounts', access: 'admin' },
  { method: 'GET', path: '/billing/accounts/:id', access: 'admin' },
  { method: 'PATCH', path: '/billing/accounts/:id', access: 'admin' },
  { method: 'POST', path: '/billing/accounts/:id/topups', access: 'admin' },
  { method: 'POST', path: '/billing/accounts/:id/grants', access: 'admin' },
  { method: 'POST', path: '/billing/accounts/:id/adjustments', access: 'admin' },
  { method: 'GET', path: '/billing/accounts/:id/grants', access: 'admin' },
  { method: 'GET', path: '/billing/accounts/:id/ledger', access: 'admin' },
  { method: 'POST', path: '/billing/accounts/:id/checkout', access: 'admin' },
  { method: 'GET', path: '/billing/ledger', access: 'admin' },
  { method: 'GET', path: '/billing/settlements', access: 'admin' },
  { method: 'GET', path: '/billing/audit', access: 'admin' },
  { method: 'POST', path: '/billing/reconcile', access: 'admin' },
  { method: 'GET', path: '/billing/budgets', access: 'admin' },
  { method: 'PUT', path: '/billing/budgets', access: 'admin' },
  { method: 'PATCH', path: '/billing/budgets/:id', access: 'admin' },
  { method: 'DELETE', path: '/billing/budgets/:id', access: 'admin' },

  // Routing pipelines: everyone reads them; changing, publishing and test runs (real upstream calls) are admin business
  { method: 'GET', path: '/node-types', access: 'viewer' },
  { method: 'GET', path: '/pipelines', access: 'viewer' },
  { method: 'POST', path: '/pipelines', access: 'admin' },
  { method: 'GET', path: '/pipelines/bindings', access: 'viewer' },
  { method: 'POST', path: '/pipelines/validate', access: 'viewer', note: 'checks a graph; stores nothing' },
  { method: 'GET', path: '/pipelines/:id', access: 'viewer' },
  { method: 'PATCH', path: '/pipelines/:id', access: 'admin' },
  { method: 'DELETE', path: '/pipelines/:id', access: 'admin' },
  { method: 'GET', path: '/pipelines/:id/versions', access: 'viewer' },
  { method: 'GET', path: '/pipelines/:id/versions/:version', access: 'viewer' },
  { method: 'POST', path: '/pipelines/:id/publish', access: 'admin' },
  { method: 'POST', path: '/pipelines/:id/rollback', access: 'admin' },
  { method: 'GET', path: '/pipelines/:id/diff', access: 'viewer' },
  { method: 'GET', path: '/pipelines/:id/bindings', access: 'viewer' },
  { method: 'PUT', path: '/pipelines/:id/bindings', access: 'admin' },
  { method: 'POST', path: '/pipelines/:id/test-run', access: 'admin', note: 'calls upstreams with real credentials' },

  // OAuth clients (the authorization server itself lives at /oauth/*, outside /api)
  { method: 'GET', path: '/oauth/clients', access: 'admin' },
  { method: 'POST', path: '/oauth/clients', access: 'admin', note: 'the client secret is in this answer only' },
  { method: 'GET', path: '/oauth/clients/:id', access: 'admin' },
  { method: 'PATCH', path: '/oauth/clients/:id', access: 'admin' },
  { method: 'DELETE', path: '/oauth/clients/:id', access: 'admin', note: "revokes the client's tokens" },

  // Unauthenticated by design (billing): the public price list (when enabled) and signed payment webhooks
  { method: 'GET', path: '/public/models', access: 'public' },
  { method: 'POST', path: '/public/payments/:provider/webhook', access: 'public', note: 'the payment provider signs it' },
];
