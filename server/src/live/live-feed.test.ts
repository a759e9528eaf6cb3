import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuthMethod, AuthResult, Principal } from '@switchyard/spec';
import { startTestGateway, TEST_ADMIN_KEY, type TestGateway } from '../../../test/support/gateway';
import { AuthChain } from '../auth/auth-chain';
import { presentedToken } from '../auth/credentials-from-request';
import type { AttemptStart, RequestSummary } from '../dispatch/hooks';
import { ActiveRequests } from '../metrics/active-requests';
import type { UsageEvent } from '../usage/usage-event';
import { LiveFeed } from './live-feed';
import { connectDashboard, eventually, refusal, type TestDashboard } from './live-test-client';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

const PRINCIPALS: Record<string, Principal> = {
  // As identity builds them: the admin key is an owner; sessions carry the user's role, viewers
  // with the 'admin' scope only, others with '*'; API keys carry their owner's role and their own scopes.
  'admin-token': { method: 'admin-key', id: 'admin-key', role: 'owner', scopes: ['*'] },
  'carol-token': { method: 'session', id: 'sess_carol', userId: 'carol', role: 'admin', scopes: ['*'] },
  'alice-token': { method: 'session', id: 'sess_alice', userId: 'alice', role: 'member', scopes: ['*'] },
  'bob-token': { method: 'session', id: 'sess_bob', userId: 'bob', role: 'viewer', scopes: ['models', 'admin'] },
  // An API key of alice's without the admin scope: for /v1, not the console.
  'alice-api-key': { method: 'api-key', id: 'key_alice', userId: 'alice', role: 'member', scopes: ['chat'] },
  // An auth plugin's principal that has no role.
  'roleless-token': { method: 'plugin', id: 'x', userId: 'zed', scopes: ['*'] },
};

const bearer: AuthMethod = {
  async authenticate(req): Promise<AuthResult> {
    const token = presentedToken(req);
    if (token === undefined) return { outcome: 'skip' };
    const p = PRINCIPALS[token];
    return p ? { outcome: 'ok', principal: p } : { outcome: 'deny', error: { status: 401, type: 'authentication_error', message: 'Incorrect API key provided.', code: 'invalid_api_key', retryable: false } };
  },
};
// Stands in for the identity work's session cookie: the handshake must hand cookies to the chain.
const cookie: AuthMethod = {
  async authenticate(req) {
    const c = req.headers.cookie;
    return typeof c === 'string' && c.includes('sy_session=alice-session') ? { outcome: 'ok', principal: PRINCIPALS['alice-token'] } : { outcome: 'skip' };
  },
};

function event(id: string, userId: string | null, over: Partial<UsageEvent> = {}): UsageEvent {
  return {
    ts: Date.now(), requestId: id, endpoint: 'chat', authMethod: 'session', keyId: userId && `key_${userId}`, userId, projectId: null, pipelineId: null,
    pipelineVersion: null, requestedModel: 'm', providerId: 'mock', modelId: 'mock-chat', upstreamModel: 'mock-chat', credentialId: 'cred_secretless',
    attempts: 1, status: 200, errorType: null, errorCode: null, promptTokens: 10, completionTokens: 5, cachedTokens: 0, reasoningTokens: 0, images: 0,
    tokensEstimated: false, costMicros: 100, creditsMicros: 150, latencyMs: 42.34, ttftMs: null, upstreamMs: 40, stream: false, cacheHit: false, ...over,
  };
}

describe('live feed', () => {
  let server: Server;
  let url: string;
  let live: LiveFeed;
  const active = new ActiveRequests();
  const open: TestDashboard[] = [];
  const dashboard = async (opts: Parameters<typeof connectDashboard>[1]) => {
    const d = await connectDashboard(url, opts);
    open.push(d);
    return d;
  };

  beforeAll(async () => {
    server = createServer();
    const auth = new AuthChain();
    auth.set([{ id: 'cookie', method: cookie }, { id: 'bearer', method: bearer }]);
    live = new LiveFeed({ server, auth, active, instanceId: 'gw_test', logger: silent, redisPrefix: 'unused', tickMs: 40, allowedOrigins: ['https://console.example.com'] });
    server.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    live.push(event('before_connect_alice', 'alice'));
    live.push(event('before_connect_bob', 'bob'));
  });
  afterEach(() => {
    for (const d of open.splice(0)) d.close();
  });
  afterAll(async () => {
    await live.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('refuses a handshake without credentials, with wrong ones, from an API key without the admin scope, or without a role', async () => {
    const none = await refusal(url);
    expect(none.data?.error).toMatchObject({ type: 'authentication_error', code: 'missing_api_key' });
    const wrong = await refusal(url, { auth: { token: 'nope' } });
    expect(wrong.data?.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
    const key = await refusal(url, { auth: { token: 'alice-api-key' } });
    expect(key.data?.error).toMatchObject({ type: 'permission_error', code: 'live_forbidden' });
    expect(key.message).toMatch(/console users/);
    const roleless = await refusal(url, { auth: { token: 'roleless-token' } });
    expect(roleless.data?.error).toMatchObject({ type: 'permission_error', code: 'live_forbidden' });
  });

  it('refuses browsers from other origins, as /api does', async () => {
    const host = new URL(url).host;
    const foreign = await refusal(url, { auth: { token: 'admin-token' }, extraHeaders: { origin: 'https://evil.example' } });
    expect(foreign.message).toMatch(/websocket error|origin/i);
    for (const origin of [`http://${host}`, 'https://console.example.com']) {
      const d = await dashboard({ auth: { token: 'admin-token' }, extraHeaders: { origin } });
      expect(d.socket.connected).toBe(true);
    }
  });

  it('refuses the default namespace', async () => {
    const { io } = await import('socket.io-client');
    const s = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: 'admin-token' } });
    const err = await new Promise<Error>((resolve) => s.once('connect_error', resolve));
    s.disconnect();
    expect(err.message).toMatch(/\/live/);
  });

  it('accepts the token in auth.token, in the Authorization header, or a session cookie', async () => {
    const a = await dashboard({ auth: { token: 'admin-token' } });
    await eventually(() => a.hello !== undefined, 'hello');
    expect(a.hello).toEqual({ instance: 'gw_test', scope: { kind: 'all' } });
    const b = await dashboard({ extraHeaders: { authorization: 'Bearer bob-token' } });
    await eventually(() => b.hello !== undefined, 'hello');
    expect(b.hello!.scope).toEqual({ kind: 'user', userId: 'bob' });
    const c = await dashboard({ extraHeaders: { cookie: 'theme=dark; sy_session=alice-session' } });
    await eventually(() => c.hello !== undefined, 'hello');
    expect(c.hello!.scope).toEqual({ kind: 'user', userId: 'alice' });
    const admin = await dashboard({ auth: { token: 'carol-token' } }); // an admin user's session
    await eventually(() => admin.hello !== undefined, 'hello');
    expect(admin.hello!.scope).toEqual({ kind: 'all' });
  });

  it("gives admins everyone's traffic and each user only their own", async () => {
    const admin = await dashboard({ auth: { token: 'admin-token' } });
    const alice = await dashboard({ auth: { token: 'alice-token' } });
    const bob = await dashboard({ auth: { token: 'bob-token' } });
    await eventually(() => [admin, alice, bob].every((d) => d.hello), 'hellos');
    // The recent backlog, filtered the same way.
    expect(admin.recent.map((r) => r.id)).toEqual(expect.arrayContaining(['before_connect_alice', 'before_connect_bob']));
    expect(alice.recent.every((r) => r.userId === 'alice')).toBe(true);
    expect(alice.recent.map((r) => r.id)).toContain('before_connect_alice');
    expect(bob.recent.map((r) => r.id)).not.toContain('before_connect_alice');

    const statsFrom = { admin: admin.stats.length, alice: alice.stats.length, bob: bob.stats.length };
    live.push(event('a1', 'alice'));
    live.push(event('a2', 'alice', { status: 502, errorType: 'upstream_error' }));
    live.push(event('b1', 'bob'));
    live.push(event('k1', null)); // the admin key's own traffic: no user
    await eventually(() => admin.requests.length >= 4 && alice.requests.length >= 2 && bob.requests.length >= 1, 'requests');
    expect(admin.requests.map((r) => r.id).sort()).toEqual(['a1', 'a2', 'b1', 'k1']);
    expect(alice.requests.map((r) => r.id).sort()).toEqual(['a1', 'a2']);
    expect(bob.requests.map((r) => r.id)).toEqual(['b1']);

    const sum = (list: TestDashboard['stats'], from: number) => list.slice(from).reduce(
      (t, s) => ({ requests: t.requests + s.requests, errors: t.errors + s.errors, tokens: t.tokens + s.totalTokens, cost: t.cost + s.costMicros }),
      { requests: 0, errors: 0, tokens: 0, cost: 0 },
    );
    await eventually(() => sum(admin.stats, statsFrom.admin).requests === 4 && sum(alice.stats, statsFrom.alice).requests === 2 && sum(bob.stats, statsFrom.bob).requests === 1, 'stats');
    expect(sum(admin.stats, statsFrom.admin)).toEqual({ requests: 4, errors: 1, tokens: 60, cost: 400 });
    expect(sum(alice.stats, statsFrom.alice)).toEqual({ requests: 2, errors: 1, tokens: 30, cost: 200 });
    expect(sum(bob.stats, statsFrom.bob)).toEqual({ requests: 1, errors: 0, tokens: 15, cost: 100 });
    expect(admin.stats[admin.stats.length - 1]).toMatchObject({ instances: 1, activeStreams: 0 });
  });

  it('sends figures and ids, never prompts, credentials or secrets', async () => {
    const admin = await dashboard({ auth: { token: 'admin-token' } });
    live.push(event('shape', 'alice'));
    await eventually(() => admin.requests.some((r) => r.id === 'shape'), 'request');
    const r = admin.requests.find((x) => x.id === 'shape')!;
    expect(Object.keys(r).sort()).toEqual(
      ['cacheHit', 'completionTokens', 'costMicros', 'creditsMicros', 'endpoint', 'errorType', 'id', 'instance', 'keyId', 'latencyMs', 'model', 'pipeline', 'projectId', 'promptTokens', 'provider', 'status', 'stream', 'time', 'ttftMs', 'userId'].sort(),
    );
    expect(r.latencyMs).toBe(42.3);
  });

  it('counts streams in flight, per user', async () => {
    const admin = await dashboard({ auth: { token: 'admin-token' } });
    const alice = await dashboard({ auth: { token: 'alice-token' } });
    const bob = await dashboard({ auth: { token: 'bob-token' } });
    const start = { requestId: 'str_1', principal: PRINCIPALS['alice-token'], endpoint: 'chat', providerId: 'mock', modelId: 'm', upstreamModel: 'm', request: { stream: true }, attempt: 1 } as AttemptStart;
    active.hooks.beforeAttempt!(start);
    await eventually(() => admin.stats.at(-1)?.activeStreams === 1 && alice.stats.at(-1)?.activeStreams === 1 && bob.stats.length > 0, 'active stream');
    expect(bob.stats.at(-1)!.activeStreams).toBe(0);
    active.hooks.onRequestEnd!({ requestId: 'str_1' } as RequestSummary);
    await eventually(() => admin.stats.at(-1)?.activeStreams === 0 && alice.stats.at(-1)?.activeStreams === 0, 'stream ended');
  });
});

describe('live feed on a gateway', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw?.stop());

  it('lets the admin key watch real requests', async () => {
    const d = await connectDashboard(gw.url, { auth: { token: TEST_ADMIN_KEY } });
    try {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { ...gw.auth, 'content-type': 'application/json', 'x-request-id': 'live_gw_1' },
        body: JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: 'secret prompt words' }] }),
      });
      expect(res.status).toBe(200);
      await eventually(() => d.requests.some((r) => r.id === 'live_gw_1'), 'the request on the feed');
      expect(d.requests.find((r) => r.id === 'live_gw_1')).toMatchObject({ instance: gw.observability.instanceId, model: 'mock-chat', provider: 'mock', status: 200, keyId: 'admin-key' });
      expect(JSON.stringify(d.requests)).not.toContain('secret prompt words');
      await eventually(() => d.stats.some((s) => s.requests > 0), 'stats');
    } finally {
      d.close();
    }
  });
});

describe('live feed when Redis is unreachable', () => {
  it('keeps serving its own dashboards and never crashes the process', async () => {
    const server = createServer();
    const auth = new AuthChain();
    auth.set([{ id: 'bearer', method: bearer }]);
    // Port 1 on loopback: connection refused, again and again.
    const live = await LiveFeed.start({ server, auth, active: new ActiveRequests(), instanceId: 'gw_alone', logger: silent, redisUrl: 'redis://127.0.0.1:1', redisPrefix: 'unused', tickMs: 40, publishMs: 20 });
    server.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const d = await connectDashboard(url, { auth: { token: 'admin-token' } });
      live.push(event('while_redis_is_down', 'alice'));
      await eventually(() => d.requests.some((r) => r.id === 'while_redis_is_down'), 'the local request');
      // Several publish ticks and reconnect attempts pass; an unhandled rejection would fail this file.
      await eventually(() => d.stats.length >= 10, 'ten ticks');
      d.close();
    } finally {
      await live.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

