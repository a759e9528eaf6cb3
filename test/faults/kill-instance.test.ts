import { rmSync } from 'node:fs';
import knex, { type Knex } from 'knex';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../server/src/billing/ledger/queries';
import { startOpenAIEmulator, type OpenAIEmulator } from '../emulators/openai';
import { startInstance, type Instance } from '../scale/instances';
import { createTempDatabase, postgresAvailable, type TempDatabase } from '../support/postgres';
import { REDIS_URL, redisAvailable, uniqueRedisPrefix } from '../support/redis';
import { ADMIN_KEY, MASTER_KEY, call, dataDirWithProvider, within } from './support';

const available = (await redisAvailable()) && (await postgresAvailable());

interface Outcome {
  instance: 'a' | 'b';
  stream: boolean;
  /** The gateway's request id (x-request-id): the usage event's and the settlement's key. */
  requestId?: string;
  ok: boolean;
  tokens?: { prompt: number; completion: number };
  /** When the request finished, relative to the kill (negative: before). */
  at: number;
}

/**
 * kill -9 of one of two instances in the middle of paid traffic. Whatever the client was told
 * succeeded must be in PostgreSQL (its usage event and its ledger charge); what the dead instance
 * held is released by the survivor's reconciliation; the survivor keeps serving throughout.
 */
/*
 * Run twice: with holds written before each answer, and with credit leases (charges decided in
 * memory, journaled locally before the answer and written after it; the survivor replays the
 * dead instance's charge journal).
 */
describe.skipIf(!available).each([{ leases: false }, { leases: true }])('kill -9 of one instance under load (credit leases: $leases)', ({ leases }) => {
  let db: TempDatabase;
  let sql: Knex;
  let upstream: OpenAIEmulator;
  let dataDir: string;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    [db, upstream] = await Promise.all([createTempDatabase(), startOpenAIEmulator()]);
    const data = dataDirWithProvider(upstream.openaiUrl);
    dataDir = data.dir;
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL,
      SWITCHYARD_REDIS_PREFIX: uniqueRedisPrefix(),
      SWITCHYARD_ADMIN_KEY: ADMIN_KEY,
      SWITCHYARD_MASTER_KEY: MASTER_KEY,
      SWITCHYARD_CONFIG: data.configFile,
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_LOG_LEVEL: 'warn',
      SWITCHYARD_REQUEST_LOG: 'false',
      SWITCHYARD_SEED_MOCK: 'false',
      // A long write-behind interval: at the kill, a's recent events are only in memory and in its
      // usage journal (in the shared data folder), which the survivor must find and store.
      SWITCHYARD_USAGE_FLUSH_MS: '5000',
    };
    a = await startInstance(env); // migrates the fresh database first
    b = await startInstance(env);
    sql = knex({ client: 'pg', connection: db.url, pool: { min: 0, max: 2 } });
  }, 60_000);

  afterAll(async () => {
    if (a?.process.exitCode === null && a.process.signalCode === null) await a.stop();
    await b?.stop();
    await sql?.destroy();
    await Promise.all([db?.drop(), upstream?.close()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every answered request charged and recorded, releases what the dead instance held, and the survivor serves on', async () => {
    // Credits: 1 micro-credit per prompt token, 2 per completion token; holds live 2 s and the
    // survivor reconciles every second.
    // With leases, an instance gives its lease back after a second without traffic.
    const patch = { mode: 'credits', holdTtlSeconds: 2, reconcileIntervalSeconds: 1, ...(leases ? { leases: { enabled: true, idleSeconds: 1 } } : {}) };
    expect((await call(a.url, 'PATCH', '/api/billing/settings', patch)).status).toBe(200);
    const priced = await call(a.url, 'POST', '/api/billing/prices', { scope: 'provider', scopeId: 'openai', model: 'gpt-4o-mini', cost: { inputPer1M: 1_000_000, outputPer1M: 2_000_000 } });
    expect(priced.status, JSON.stringify(priced.body)).toBe(201);
    const user = await call(a.url, 'POST', '/api/users', { email: 'killed@example.com', role: 'member', password: 'fault-test-password-1' });
    const key = await call(a.url, 'POST', '/api/keys', { name: 'load', userId: user.body.id });
    expect(key.status).toBe(201);
    const account = `user:${user.body.id}`;
    const funded = 50_000_000;
    expect((await call(a.url, 'POST', `/api/billing/accounts/${account}/topups`, { amount: funded })).status).toBe(201);
    // Both charge now (b saw the switch to credits mode), and both have their tokenizer loaded.
    for (const inst of [a, b]) {
      let requestId = '';
      await within(3000, async () => {
        const r = await call(inst.url, 'POST', '/v1/chat/completions', { model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content: 'warm up' }] }, key.body.key);
        expect(r.status).toBe(200);
        requestId = r.headers.get('x-request-id')!;
        // Charged: with leases the charge is written just after the answer, so it is waited for below.
        if (!leases) expect((await sql('billing_settlements').where({ request_id: requestId }).first())?.status).toBe('settled');
      });
      await within(3000, async () => expect((await sql('billing_settlements').where({ request_id: requestId }).first())?.status).toBe('settled'));
    }

    // Every upstream answer takes a little while, so requests are in flight when the kill lands.
    upstream.reset();
    upstream.enqueue(...Array.from({ length: 5000 }, (_, i) => ({ latencyMs: 5 + (i % 7) * 4, chunkDelayMs: 2 })));

    const clients = { a: new OpenAI({ apiKey: key.body.key, baseURL: `${a.url}/v1`, maxRetries: 0, timeout: 10_000 }), b: new OpenAI({ apiKey: key.body.key, baseURL: `${b.url}/v1`, maxRetries: 0, timeout: 10_000 }) };
    const urls = { a: a.url, b: b.url };
    const outcomes: Outcome[] = [];
    let killedAt = 0;
    let stop = false;

    const jsonCall = async (which: 'a' | 'b', n: number): Promise<Outcome> => {
      try {
        const { data, response } = await clients[which].chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: `question ${n} about the weather today` }] }).withResponse();
        return { instance: which, stream: false, ok: true, requestId: response.headers.get('x-request-id')!, tokens: { prompt: data.usage!.prompt_tokens, completion: data.usage!.completion_tokens }, at: 0 };
      } catch {
        return { instance: which, stream: false, ok: false, at: 0 };
      }
    };
    // Streams by plain fetch, so "complete" means exactly what the wire says: `data: [DONE]` arrived.
    const streamCall = async (which: 'a' | 'b', n: number): Promise<Outcome> => {
      let requestId: string | undefined;
      try {
        const res = await fetch(`${urls[which]}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key.body.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, max_tokens: 20, messages: [{ role: 'user', content: `stream ${n} of words to count` }] }),
        });
        requestId = res.headers.get('x-request-id') ?? undefined;
        const text = await res.text();
        if (res.status !== 200 || !text.endsWith('data: [DONE]\n\n')) return { instance: which, stream: true, ok: false, requestId, at: 0 };
        const usage = text
          .split('\n\n')
          .filter((e) => e.startsWith('data: {'))
          .map((e) => JSON.parse(e.slice(6)))
          .find((c) => c.usage)?.usage;
        return { instance: which, stream: true, ok: true, requestId, tokens: { prompt: usage.prompt_tokens, completion: usage.completion_tokens }, at: 0 };
      } catch {
        return { instance: which, stream: true, ok: false, requestId, at: 0 };
      }
    };

    let n = 0;
    const worker = async (which: 'a' | 'b') => {
      while (!stop) {
        const i = n++;
        const o = await (i % 3 === 0 ? streamCall(which, i) : jsonCall(which, i));
        o.at = killedAt ? Date.now() - killedAt : -1;
        outcomes.push(o);
        // The dead instance refuses connections: its clients move to the survivor.
        if (which === 'a' && killedAt) which = 'b';
      }
    };
    const workers = [...Array.from({ length: 6 }, () => worker('a')), ...Array.from({ length: 6 }, () => worker('b'))];

    await new Promise((r) => setTimeout(r, 2500));
    const exited = new Promise((r) => a.process.once('exit', r));
    a.process.kill('SIGKILL');
    killedAt = Date.now();
    await exited;
    await new Promise((r) => setTimeout(r, 1500));
    stop = true;
    await Promise.all(workers);

    const answered = outcomes.filter((o) => o.ok);
    const beforeKillOnA = answered.filter((o) => o.instance === 'a' && o.at < 0);
    const afterKillOnB = outcomes.filter((o) => o.instance === 'b' && o.at > 200);
    expect(beforeKillOnA.length).toBeGreaterThan(10);
    expect(outcomes.some((o) => o.instance === 'a' && !o.ok)).toBe(true); // the kill did cut requests
    // The survivor served through it all: every request it took after the kill succeeded.
    expect(afterKillOnB.length).toBeGreaterThan(20);
    expect(afterKillOnB.filter((o) => !o.ok)).toEqual([]);

    // 1. Every answered request: its usage event and its settled charge, with matching figures.
    // The dead instance's unwritten events are in its usage journal; the survivor's sweep (every
    // 5 s) stores them.
    const ids = answered.map((o) => o.requestId!);
    const events = new Map<string, any>();
    const settled = new Map<string, any>();
    await within(15_000, async () => {
      for (let i = 0; i < ids.length; i += 500) {
        for (const e of await sql('usage_events').whereIn('request_id', ids.slice(i, i + 500))) events.set(e.request_id, e);
        for (const s of await sql('billing_settlements').whereIn('request_id', ids.slice(i, i + 500))) settled.set(s.request_id, s);
      }
      const missingEvents = answered.filter((o) => !events.has(o.requestId!)).map((o) => `${o.instance}${o.stream ? ' stream' : ''} ${o.requestId} at ${o.at} ms`);
      expect(missingEvents, 'answered requests without a usage event').toEqual([]);
    }, 500);
    // Some of them came from the dead instance's journal: the survivor says how many it stored.
    const fromJournal = /"events":(\d+)[^\n]*usage journal: stored the events a stopped gateway had not written/.exec(b.output());
    expect(Number(fromJournal?.[1] ?? 0), 'the survivor stored the dead instance\'s journal').toBeGreaterThan(0);
    for (const o of answered) {
      const e = events.get(o.requestId!);
      const s = settled.get(o.requestId!);
      const price = o.tokens!.prompt + 2 * o.tokens!.completion;
      expect({ status: e.status, credits: Number(e.credits_micros) }).toEqual({ status: 200, credits: price });
      expect({ status: s?.status, collected: Number(s?.collected) }).toEqual({ status: 'settled', collected: price });
    }

    // 2. Nothing stays held: the survivor's reconciliation returns the dead instance's holds.
    await within(10_000, async () => {
      expect(Number((await sql('billing_holds').where({ status: 'open' }).count({ n: '*' }).first())?.n)).toBe(0);
    }, 250);
    const expired = await sql('billing_holds').where({ status: 'expired' });
    const charged = await sql('billing_settlements').where({ account_id: account, status: 'settled' }).sum({ t: 'collected' }).first();
    const balance = await call(b.url, 'GET', `/api/billing/accounts/${account}`);
    expect(balance.body).toMatchObject({ balance: funded - Number(charged!.t), held: 0 });
    expect(balance.body.balance).toBeGreaterThanOrEqual(0);
    const books = await audit(sql);
    expect(books.unbalancedEntries).toEqual([]);
    expect(books.mismatchedAccounts).toEqual([]);
    expect(books.total).toBe(0);

    // 3. Charges and usage agree: every settled charge has its usage row. A request the client got
    // no answer for (the kill landed between the charge and the answer) has one too: without
    // leases, from the charge notice a's usage journal got before the commit (usage/charge-notice.ts);
    // with leases both journals are written in the same turn, the usage event first (journal-turn.ts).
    const settledIds = (await sql('billing_settlements').where({ account_id: account, status: 'settled' }).select('request_id')).map((r) => r.request_id as string);
    const answeredIds = new Set(ids);
    let fromNotices: Array<{ request_id: string; status: number }> = [];
    await within(15_000, async () => {
      const rows = await sql('usage_events').where({ user_id: user.body.id }).select('request_id', 'status', 'error_code');
      const withEvent = new Set(rows.map((r) => r.request_id as string));
      expect(settledIds.filter((id) => !withEvent.has(id)), 'settled charges without a usage event').toEqual([]);
      fromNotices = rows.filter((r) => r.error_code === 'gateway_stopped_before_answer');
    }, 500);
    // A row made from a notice is a request whose event was never journaled, so never answered.
    expect(fromNotices.filter((r) => answeredIds.has(r.request_id))).toEqual([]);
    for (const row of fromNotices) expect(row.status).toBe(502);
    const chargesReplayed = /"charges":(\d+)[^\n]*charge journal: stored the charges a stopped gateway had not written/.exec(b.output())?.[1] ?? '0';
    console.log(`kill -9${leases ? ' (leases)' : ''}: ${chargesReplayed} charges replayed from a's charge journal; ${outcomes.length} requests (${beforeKillOnA.length} answered by a before the kill, ${afterKillOnB.length} by b after it), ${answered.length} answered, ${outcomes.filter((o) => !o.ok).length} cut; ${fromJournal![1]} events stored from a's journal; ${expired.length} holds expired; ${fromNotices.length} charges recorded from charge notices`);

    // The survivor still serves.
    const after = await clients.b.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content: 'still there?' }] });
    expect(after.choices[0]!.message.content).toBeTruthy();
  }, 50_000);
});
