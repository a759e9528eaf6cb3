import mockPlugin from '@switchyard/provider-mock';
import type { AnyPlugin, AuthMethod, ChatCompletionChunk, ProviderInstance, ProviderPlugin } from '@switchyard/spec';
import { expect } from 'vitest';
import { adminKeyAuth } from '../../server/src/auth/admin-key';
import type { ConfigFile } from '../../server/src/config/config-file';
import type { GatewayHooks, RequestSummary } from '../../server/src/dispatch/hooks';
import { audit } from '../../server/src/billing/ledger/queries';
import type { Backend } from '../support/backends';
import { startTestGateway, TEST_ADMIN_KEY, type TestGateway } from '../support/gateway';

/** Upstream calls that reached a provider, by provider plugin id: 402/429 must leave them unchanged. */
export const upstreamCalls = { count: 0 };

/**
 * The mock provider, counting every call it receives. With `usage: false` its streams end without
 * the usage chunk, like an upstream that reports none.
 */
function countingMock(id: string, opts: { usage: boolean }): ProviderPlugin {
  return {
    manifest: { ...mockPlugin.manifest, id, name: `${id} (test)` },
    createProvider(settings, ctx): ProviderInstance {
      const inner = (mockPlugin as ProviderPlugin).createProvider(settings, ctx);
      return {
        async chat(request, c) {
          upstreamCalls.count++;
          return inner.chat(request, c);
        },
        async *chatStream(request, c) {
          upstreamCalls.count++;
          for await (const chunk of inner.chatStream(request, c) as AsyncIterable<ChatCompletionChunk>) {
            if (!opts.usage && chunk.choices.length === 0 && chunk.usage) continue;
            yield opts.usage ? chunk : { ...chunk, usage: undefined };
          }
        },
        async embeddings(request, c) {
          upstreamCalls.count++;
          return inner.embeddings!(request, c);
        },
        async images(request, c) {
          upstreamCalls.count++;
          return inner.images!(request, c);
        },
      };
    },
  };
}

export const TEST_PLUGINS: AnyPlugin[] = [countingMock('counting-mock', { usage: true }), countingMock('nousage-mock', { usage: false })];

/** Providers and models the billing suites use. Prices are set per test through the admin API. */
export const BILLING_CONFIG: ConfigFile = {
  providers: [
    { id: 'up', plugin: 'counting-mock', settings: {} },
    { id: 'slow', plugin: 'counting-mock', settings: { chunkDelayMs: 30 } },
    { id: 'down', plugin: 'counting-mock', settings: { failures: [{ status: 500 }] } },
    { id: 'silent', plugin: 'nousage-mock', settings: {} },
  ],
  models: [
    { id: 'chat', provider: 'up', upstreamModel: 'mock-chat' },
    { id: 'embed', provider: 'up', upstreamModel: 'mock-embed' },
    { id: 'image', provider: 'up', upstreamModel: 'mock-image' },
    { id: 'slow-chat', provider: 'slow', upstreamModel: 'mock-chat' },
    { id: 'down-chat', provider: 'down', upstreamModel: 'mock-chat' },
    { id: 'silent-chat', provider: 'silent', upstreamModel: 'mock-chat' },
    { id: 'unpriced-chat', provider: 'up', upstreamModel: 'no-price-model' },
  ],
  pipelines: [],
};

/**
 * Test callers: `Bearer test:user=<id>[;project=<id>][;key=<id>]` authenticates as that user
 * (and project). Identity's real keys are not needed to exercise who pays.
 */
export const testPrincipals: AuthMethod = {
  async authenticate(req) {
    const raw = String(req.headers.authorization ?? '');
    const m = /^Bearer test:(.+)$/.exec(raw);
    if (!m) return { outcome: 'skip' };
    const fields = Object.fromEntries(m[1].split(';').map((kv) => kv.split('=') as [string, string]));
    return { outcome: 'ok', principal: { method: 'test', id: fields.key ?? `key-${fields.user ?? fields.project}`, userId: fields.user, projectId: fields.project, scopes: ['chat', 'embeddings', 'images', 'models'] } };
  },
};

export interface BillingGateway extends TestGateway {
  summaries: RequestSummary[];
  /** Waits until `n` request summaries have arrived. */
  waitForSummaries(n: number): Promise<RequestSummary[]>;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

export async function startBillingGateway(backend: Backend, options: { env?: Record<string, string>; config?: ConfigFile; hooks?: GatewayHooks[] } = {}): Promise<BillingGateway> {
  const summaries: RequestSummary[] = [];
  const recorder: GatewayHooks = { onRequestEnd: (s) => void summaries.push(s) };
  const gw = await startTestGateway({ backend, config: options.config ?? BILLING_CONFIG, plugins: TEST_PLUGINS, hooks: [recorder, ...(options.hooks ?? [])], env: options.env });
  gw.authChain.set([
    { id: 'admin-key', method: adminKeyAuth(TEST_ADMIN_KEY) },
    { id: 'test', method: testPrincipals },
  ]);
  return Object.assign(gw, {
    summaries,
    async waitForSummaries(n: number) {
      for (let i = 0; i < 500 && summaries.length < n; i++) await new Promise((r) => setTimeout(r, 10));
      expect(summaries.length).toBeGreaterThanOrEqual(n);
      return summaries;
    },
    api: <T>(method: string, path: string, body?: unknown) => api<T>(gw, method, path, body),
  });
}

export async function api<T = unknown>(gw: TestGateway, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { ...gw.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export const asUser = (user: string, project?: string, key?: string) => ({ authorization: `Bearer test:user=${user}${project ? `;project=${project}` : ''}${key ? `;key=${key}` : ''}` });

/** A chat completion through the real HTTP API. */
export async function chat(gw: TestGateway, headers: Record<string, string>, body: Record<string, unknown>): Promise<{ status: number; body: any; requestId: string }> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // streams answer SSE text
  }
  return { status: res.status, body: parsed, requestId: res.headers.get('x-request-id') ?? '' };
}

/** Turns credits mode on and prices a provider's model at round numbers (micro-credits per token). */
export async function creditsMode(gw: BillingGateway, settings: Record<string, unknown> = {}): Promise<void> {
  const r = await gw.api('PATCH', '/api/billing/settings', { mode: 'credits', ...settings });
  expect(r.status).toBe(200);
}

/** Prices `model` of provider `provider`: input/output micro-credits per token (cost = price, no markup). */
export async function price(gw: BillingGateway, provider: string, model: string, card: Record<string, unknown>): Promise<string> {
  const existing = await gw.api<{ data: Array<{ id: string }> }>('GET', `/api/billing/prices?scope=provider&scopeId=${provider}&model=${encodeURIComponent(model)}`);
  if (existing.body.data.length) {
    const r = await gw.api<{ id: string }>('PATCH', `/api/billing/prices/${existing.body.data[0].id}`, { cost: card });
    expect(r.status).toBe(200);
    return r.body.id;
  }
  const r = await gw.api<{ id: string }>('POST', '/api/billing/prices', { scope: 'provider', scopeId: provider, model, cost: card });
  expect(r.status).toBe(201);
  return r.body.id;
}

export async function topUp(gw: BillingGateway, account: string, amount: number): Promise<void> {
  const r = await gw.api('POST', `/api/billing/accounts/${account}/topups`, { amount });
  expect(r.status).toBe(201);
}

export async function balanceOf(gw: BillingGateway, account: string): Promise<{ balance: number; held: number }> {
  const r = await gw.api<{ balance: number; held: number }>('GET', `/api/billing/accounts/${account}`);
  return r.status === 200 ? r.body : { balance: 0, held: 0 };
}

/** The books must balance: every entry sums to zero, stored balances equal their lines, holds equal open holds. */
export async function expectBooksBalanced(gw: TestGateway): Promise<void> {
  const report = await audit(gw.db);
  expect(report.unbalancedEntries).toEqual([]);
  expect(report.mismatchedAccounts).toEqual([]);
  expect(report.holds.fromLines).toBe(report.holds.open);
  expect(report.total).toBe(0);
}

export async function settlements(gw: TestGateway, where: Record<string, unknown> = {}): Promise<Array<Record<string, any>>> {
  return gw.db('billing_settlements').where(where).orderBy('created_at');
}
