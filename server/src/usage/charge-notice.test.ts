import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '@switchyard/spec';
import type { SettlingCharge } from '../billing/events';
import { openDatabase, type Db } from '../db/connect';
import { readJournal } from '../journal/journal-recovery';
import { LocalJournal } from '../journal/local-journal';
import { chargeNotice, UNANSWERED_CODE, UNANSWERED_STATUS, usageFromCharges, type ChargeNotice, type UsageJournalRecord } from './charge-notice';
import type { UsageEvent } from './usage-event';
import { recoverJournals } from './usage-journal-recovery';
import { UsageRecorder, type BatchWriter } from './usage-recorder';
import { RollupState } from './rollup-state';
import { UsageWriter } from './usage-writer';

const quiet = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger;

function settling(requestId: string, attempt = 1, over: Partial<SettlingCharge> = {}): SettlingCharge {
  return {
    start: {
      requestId,
      attempt,
      endpoint: 'chat',
      principal: { id: 'key_1', method: 'api-key', userId: 'u1', projectId: 'p1', scopes: [] },
      providerId: 'up',
      modelId: 'gpt-x',
      upstreamModel: 'gpt-x-2025',
      request: { model: 'gpt-x', stream: true, messages: [{ role: 'user', content: 'a secret prompt' }] },
    },
    outcome: { providerId: 'up', modelId: 'gpt-x', upstreamModel: 'gpt-x-2025', credentialId: 'cred_1', status: 200, latencyMs: 40 },
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 2 }, completion_tokens_details: { reasoning_tokens: 1 } },
    countedLocally: false,
    images: 0,
    costMicros: 7,
    ...over,
  };
}

const event = (requestId: string, ts = 1_700_000_000_000): UsageEvent => ({
  ts, requestId, endpoint: 'chat', authMethod: 'api-key', keyId: 'key_1', userId: 'u1', projectId: 'p1', pipelineId: null, pipelineVersion: null,
  requestedModel: 'gpt-x', providerId: 'up', modelId: 'gpt-x', upstreamModel: 'gpt-x-2025', credentialId: null, attempts: 1, status: 200, errorType: null,
  errorCode: null, promptTokens: 10, completionTokens: 5, cachedTokens: 2, reasoningTokens: 1, images: 0, tokensEstimated: false, costMicros: 7,
  creditsMicros: 20, latencyMs: 50, ttftMs: null, upstreamMs: 40, stream: false, cacheHit: false,
});

describe('charge notices', () => {
  it('say who asked, which target and what was billed, and nothing of the prompt', () => {
    const notice = chargeNotice(settling('req_a'), 1_700_000_000_100);
    expect(notice).toEqual({
      kind: 'charge-notice', requestId: 'req_a', attempt: 1, ts: 1_700_000_000_060, endpoint: 'chat', stream: true,
      authMethod: 'api-key', keyId: 'key_1', userId: 'u1', projectId: 'p1', providerId: 'up', modelId: 'gpt-x', upstreamModel: 'gpt-x-2025',
      credentialId: 'cred_1', upstreamMs: 40, promptTokens: 10, completionTokens: 5, cachedTokens: 2, reasoningTokens: 1, images: 0,
      tokensEstimated: false, costMicros: 7,
    });
    expect(JSON.stringify(notice)).not.toContain('secret');
  });

  it('make one usage row of the attempts the ledger settled, flagged as never answered', () => {
    const first = chargeNotice(settling('req_b', 1), 1_000);
    const second = chargeNotice(settling('req_b', 2, { costMicros: undefined, countedLocally: true }), 2_000);
    const released = chargeNotice(settling('req_b', 3), 3_000);
    const row = usageFromCharges([second, first, released], [
      { requestId: 'req_b', attempt: 1, collected: 30, settledAt: 1_100 },
      { requestId: 'req_b', attempt: 2, collected: 12, settledAt: 2_050 },
    ]);
    expect(row).toMatchObject({
      requestId: 'req_b', ts: 960, attempts: 2, status: UNANSWERED_STATUS, errorCode: UNANSWERED_CODE, keyId: 'key_1', userId: 'u1',
      promptTokens: 20, completionTokens: 10, cachedTokens: 4, reasoningTokens: 2, tokensEstimated: true,
      costMicros: 7, creditsMicros: 42, latencyMs: 1_090, upstreamMs: 80, stream: true,
    });
    expect(usageFromCharges([first], [])).toBeUndefined(); // never committed: nobody was charged
  });
});

describe('recovery of a killed gateway\'s usage journal with charge notices', () => {
  let base: string;
  let db: Db;
  beforeEach(async () => {
    base = mkdtempSync(path.join(tmpdir(), 'sy-notice-'));
    db = await openDatabase({ dataDir: base, sqliteFile: path.join(base, 'usage.sqlite') });
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(base, { recursive: true, force: true });
  });

  async function settle(requestId: string, attempt: number, collected: number, status = 'settled'): Promise<void> {
    await db('billing_settlements').insert({
      id: `stl_${requestId}_${attempt}`, request_id: requestId, attempt, account_id: 'user:u1', endpoint: 'chat', provider_id: 'up', model_id: 'gpt-x',
      upstream_model: 'gpt-x-2025', reserved: 100, charged: collected, collected, status, created_at: 1_700_000_000_500,
    });
  }

  function killedJournal(records: UsageJournalRecord[]): string {
    const journal = LocalJournal.open<UsageJournalRecord>(path.join(base, 'journal'), 'gw_dead', quiet);
    for (const r of records) journal.append(r);
    journal.writeBuffered();
    writeFileSync(path.join(journal.dir, 'owner.json'), JSON.stringify({ instanceId: 'gw_dead', pid: 2 ** 22 + 4321, host: hostname(), startedAt: 0 }));
    return journal.dir;
  }

  it('records a charge the dead process committed but never explained, and only that', async () => {
    const notice = (id: string, attempt = 1): ChargeNotice => chargeNotice(settling(id, attempt), 1_700_000_000_400);
    // answered: notice and event both journaled; killed after the commit: notice only;
    // killed before the commit: notice, no settlement; stored before the kill: notice, and the event in the database.
    await settle('req_answered', 1, 20);
    await settle('req_unanswered', 1, 25);
    await settle('req_stored', 1, 20);
    await settle('req_released', 1, 0, 'released');
    const writer = new UsageWriter(db, new RollupState('gw_survivor'));
    await writer.write([event('req_stored')]);
    const dir = killedJournal([
      notice('req_answered'), event('req_answered'), notice('req_unanswered'), notice('req_uncommitted'), notice('req_stored'), notice('req_released'),
    ]);

    const options = { baseDir: path.join(base, 'journal'), instanceId: 'gw_survivor', db, writer, logger: quiet };
    expect(await recoverJournals(options)).toBe(2);
    expect(existsSync(dir)).toBe(false);
    const rows = await db('usage_events').orderBy('request_id').select('request_id', 'status', 'error_code', 'credits_micros', 'key_id', 'prompt_tokens');
    expect(rows.map((r: Record<string, unknown>) => ({ ...r, credits_micros: Number(r.credits_micros) }))).toEqual([
      { request_id: 'req_answered', status: 200, error_code: null, credits_micros: 20, key_id: 'key_1', prompt_tokens: 10 },
      { request_id: 'req_stored', status: 200, error_code: null, credits_micros: 20, key_id: 'key_1', prompt_tokens: 10 },
      { request_id: 'req_unanswered', status: UNANSWERED_STATUS, error_code: UNANSWERED_CODE, credits_micros: 25, key_id: 'key_1', prompt_tokens: 10 },
    ]);
    // The recovered row counts in the analytics rollups like any other.
    const [{ credits }] = await db('usage_rollup_day').sum({ credits: 'credits_micros' });
    expect(Number(credits)).toBe(65);
  });
});

describe('UsageRecorder.noteCharge', () => {
  let base: string;
  beforeEach(() => (base = mkdtempSync(path.join(tmpdir(), 'sy-notice-rec-'))));
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  const storing = (): BatchWriter & { stored: string[] } => {
    const stored: string[] = [];
    return { stored, async write(events) { stored.push(...events.map((e) => e.requestId)); } };
  };

  it('puts the notice on disk before returning, and lets it go once the request\'s event is stored', async () => {
    const journal = LocalJournal.open<UsageJournalRecord>(base, 'gw_n', quiet);
    const writer = storing();
    const recorder = new UsageRecorder(writer, { batchSize: 10, flushIntervalMs: 10_000, capacity: 100, logger: quiet, journal });
    recorder.noteCharge(chargeNotice(settling('req_1')));
    expect(readJournal<UsageJournalRecord>(journal.dir).map((r) => r.requestId)).toEqual(['req_1']); // no end of turn needed
    recorder.record(event('req_1'));
    await recorder.flush();
    expect(writer.stored).toEqual(['req_1']);
    await recorder.close();
    expect(existsSync(journal.dir)).toBe(false); // nothing left pending: the notice was let go with its event
  });

  it('lets the notice go when the request\'s event is dropped: counted as dropped, not recovered as unanswered', async () => {
    const journal = LocalJournal.open<UsageJournalRecord>(base, 'gw_m', quiet);
    const recorder = new UsageRecorder(storing(), { batchSize: 10, flushIntervalMs: 10_000, capacity: 0, logger: quiet, journal });
    recorder.noteCharge(chargeNotice(settling('req_2')));
    expect(recorder.status().journaled).toBe(1);
    recorder.record(event('req_2')); // the queue is full: dropped
    expect(recorder.status()).toMatchObject({ dropped: { queue_full: 1 }, journaled: 0 });
    await recorder.close();
    expect(existsSync(journal.dir)).toBe(false);
  });

  it('keeps the notice pending while the request runs: a kill now leaves it for recovery', async () => {
    const journal = LocalJournal.open<UsageJournalRecord>(base, 'gw_k', quiet);
    const recorder = new UsageRecorder(storing(), { batchSize: 10, flushIntervalMs: 10_000, capacity: 100, logger: quiet, journal });
    recorder.noteCharge(chargeNotice(settling('req_3', 1)));
    recorder.noteCharge(chargeNotice(settling('req_3', 2)));
    await recorder.close(); // no event came: as if the process stopped between the charge and the answer
    expect(readJournal<ChargeNotice>(journal.dir).map((r) => [r.requestId, r.attempt])).toEqual([['req_3', 1], ['req_3', 2]]);
  });
});
