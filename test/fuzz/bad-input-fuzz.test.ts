import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzPlan, type PlannedRequest } from './fuzz-cases';
import { bodyRoutes, problemWith, startFuzzTarget, type FuzzTarget, type Route } from './fuzz-target';
import { MUTATION_KINDS } from './mutations';
import { sendRaw, type RawOutcome } from './raw-http';

/**
 * Bad input at scale: a seeded fuzz over every /v1 and /api route that takes a body, against a
 * gateway running as its own process. Every answer must be a clean 4xx (or a success, when a
 * mutation happens to be valid) in the API's error shape; the process stays up, its memory stays
 * flat, and nothing refused leaves a usage row, ledger entry or audit entry behind.
 *
 * N = 8000 fuzzed requests after 1000 of warm-up, 6 at a time: about 25 s on a 2-core machine
 * (the file, with the gateway's start, about 35 s). FUZZ_SEED and FUZZ_REQUESTS override the
 * seed and N (a failure message names the seed).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 9_2024);
const WARM_UP = 1000;
const N = Number(process.env.FUZZ_REQUESTS ?? 8000);
const CONCURRENCY = 6;
const V1_BODY_LIMIT = '128kb';
/**
 * Memory flat, measured after a full collection so what the collector has not reclaimed yet does
 * not count: after N more requests the heap may grow by at most 16 MB and RSS by 64 MB over the
 * warm-up's (measured: +4 MB heap, +26 MB RSS over 15 000 requests; a leak of 2 kB per request
 * would break the heap bound).
 */
const HEAP_GROWTH_BOUND = 16 * 1024 * 1024;
const RSS_GROWTH_BOUND = 64 * 1024 * 1024;

interface Sent {
  planned: PlannedRequest;
  outcome: RawOutcome;
}

describe(`fuzzing /v1 and /api with bad input (seed ${SEED})`, () => {
  let target: FuzzTarget;
  let routes: Route[];
  let plan: Generator<PlannedRequest>;
  const sent: Sent[] = [];

  beforeAll(async () => {
    routes = await bodyRoutes();
    target = await startFuzzTarget({ SWITCHYARD_BODY_LIMIT: V1_BODY_LIMIT });
    plan = fuzzPlan(SEED, routes, { admin: target.adminKey, user: target.userKey }, V1_BODY_LIMIT);
  }, 60_000);
  afterAll(async () => {
    if (target?.instance.process.exitCode === null) await target.stop();
    target?.cleanup();
  });

  /** Sends `count` planned requests, `CONCURRENCY` at a time. */
  const run = async (count: number) => {
    let left = count;
    const worker = async () => {
      while (left > 0) {
        left--;
        const planned = plan.next().value as PlannedRequest;
        sent.push({ planned, outcome: await sendRaw(target.instance.url, planned.request, { timeoutMs: 20_000 }) });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  };

  it('covers every route that takes a body, /v1 and /api', () => {
    const paths = routes.map((r) => `${r.method} ${r.pattern}`);
    for (const expected of ['POST /v1/chat/completions', 'POST /v1/embeddings', 'POST /v1/images/generations', 'POST /v1/messages', 'POST /api/keys', 'POST /api/users', 'PATCH /api/users/:id', 'POST /api/auth/login']) {
      expect(paths).toContain(expected);
    }
  });

  it(`answers ${WARM_UP + N} fuzzed requests cleanly, stays up, and keeps its memory flat`, async () => {
    await run(WARM_UP);
    const afterWarmUp = await target.memoryAfterGc();
    await run(N);
    const after = await target.memoryAfterGc();

    const problems = sent
      .map(({ planned, outcome }) => {
        const problem = problemWith(planned.route, outcome);
        return problem && `#${planned.seq} ${planned.route.method} ${planned.route.path} as ${planned.caller}, ${planned.fuzz.kind}: ${planned.fuzz.detail} (${planned.request.framing}) -> ${problem}`;
      })
      .filter((p): p is string => p !== undefined);
    expect(problems.slice(0, 25), `${problems.length} problems (seed ${SEED})`).toEqual([]);

    // Still up and serving.
    expect(target.instance.process.exitCode, target.instance.output().slice(-3000)).toBeNull();
    expect(target.instance.process.signalCode).toBeNull();
    expect((await fetch(`${target.instance.url}/healthz`)).status).toBe(200);
    const chat = await fetch(`${target.instance.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.userKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: 'still there?' }] }),
    });
    expect(chat.status).toBe(200);

    console.log(
      `fuzz: ${sent.length} requests; statuses ${JSON.stringify(countBy(sent, (s) => (s.outcome.kind === 'response' ? String(s.outcome.status) : s.outcome.kind)))}; ` +
        `after a full GC: heap ${mb(afterWarmUp.heapUsed)} -> ${mb(after.heapUsed)} MB, RSS ${mb(afterWarmUp.rss)} -> ${mb(after.rss)} MB`,
    );
    expect(after.heapUsed).toBeLessThan(afterWarmUp.heapUsed + HEAP_GROWTH_BOUND);
    expect(after.rss).toBeLessThan(afterWarmUp.rss + RSS_GROWTH_BOUND);
  }, 120_000);

  it('every mutation kind reached every kind of route, as the admin and as a user', () => {
    const seen = new Set(sent.map((s) => `${s.planned.route.pattern.split('/')[1]} ${s.planned.caller} ${s.planned.fuzz.kind}`));
    const kinds = new Set(sent.map((s) => s.planned.fuzz.kind));
    for (const prefix of ['v1', 'api']) for (const caller of ['admin', 'user']) for (const kind of kinds) expect(seen).toContain(`${prefix} ${caller} ${kind}`);
    expect(kinds.size).toBe(MUTATION_KINDS.length);
  });

  it('refused requests left no usage row, ledger entry or audit entry behind', async () => {
    // SIGTERM: the orderly stop writes every queued usage event and buffered write first.
    expect(await target.stop()).toBe(0);
    const refused = new Set(sent.filter(({ planned, outcome }) => isRefusedInput(planned, outcome)).map((s) => `fz-${SEED}-${s.planned.seq}`));
    expect(refused.size).toBeGreaterThan(N / 2);
    const db = target.openDatabase();
    try {
      const tables = ['usage_events', 'audit_log', 'billing_journal', 'billing_holds', 'billing_settlements'];
      const leftovers: string[] = [];
      const fuzzedRows: Record<string, number> = {};
      for (const table of tables) {
        const rows = (await db(table).whereLike('request_id', `fz-${SEED}-%`).select('request_id')) as Array<{ request_id: string }>;
        fuzzedRows[table] = rows.length;
        for (const r of rows) if (refused.has(r.request_id)) leftovers.push(`${table}: ${r.request_id} ${describeSent(sent, r.request_id)}`);
      }
      expect(leftovers.slice(0, 20), `${leftovers.length} rows from refused requests`).toEqual([]);
      // The check is live: fuzzed requests that went through did leave usage, ledger and audit rows.
      expect(fuzzedRows, JSON.stringify(fuzzedRows)).toMatchObject({ usage_events: expect.any(Number), audit_log: expect.any(Number), billing_settlements: expect.any(Number) });
      for (const table of ['usage_events', 'audit_log', 'billing_settlements']) expect(fuzzedRows[table], table).toBeGreaterThan(0);
    } finally {
      await db.destroy();
    }
  });
});

/**
 * Refused input: the gateway said no to the request itself (malformed, unauthenticated, not
 * allowed, too large, wrong media type). Failures it records on purpose are not: a valid request
 * for a model that does not exist or over a budget is a usage event, a wrong password an audit
 * entry.
 */
function isRefusedInput(planned: PlannedRequest, outcome: RawOutcome): boolean {
  if (outcome.kind !== 'response') return false;
  if (![400, 401, 403, 408, 411, 413, 415, 431].includes(outcome.status)) return false;
  if (planned.route.pattern === '/api/auth/login' && outcome.status === 401) return false;
  if (planned.route.pattern === '/api/auth/password' && outcome.status === 400 && /current password/i.test(outcome.body)) return false;
  return true;
}

function describeSent(sent: Sent[], requestId: string): string {
  const s = sent.find((x) => `fz-${SEED}-${x.planned.seq}` === requestId);
  if (!s) return '';
  const o = s.outcome;
  return `${s.planned.route.method} ${s.planned.route.path} ${s.planned.fuzz.kind} ${s.planned.fuzz.detail} -> ${o.kind === 'response' ? `${o.status} ${o.body.slice(0, 120)}` : o.kind}`;
}

const countBy = <T>(items: T[], key: (t: T) => string) => items.reduce<Record<string, number>>((acc, t) => ((acc[key(t)] = (acc[key(t)] ?? 0) + 1), acc), {});
const mb = (n: number) => Math.round(n / 1024 / 1024);
