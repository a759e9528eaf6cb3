import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '@switchyard/spec';
import { openDatabase, type Db } from '../db/connect';
import { readJournal as readLocalJournal, writerGone } from '../journal/journal-recovery';
import { LocalJournal, type JournalOwner } from '../journal/local-journal';
import { journalsWritten } from '../journal/journal-turn';
import type { UsageEvent } from './usage-event';
import { recoverJournals } from './usage-journal-recovery';

const readJournal = (dir: string) => readLocalJournal<UsageEvent>(dir);
import { UsageRecorder, type BatchWriter } from './usage-recorder';
import { RollupState } from './rollup-state';
import { UsageWriter } from './usage-writer';

const quiet = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger;

function event(i: number, ts = 1_700_000_000_000 + i): UsageEvent {
  return {
    ts, requestId: `req_${i}`, endpoint: 'chat', authMethod: 'api-key', keyId: 'k1', userId: 'u1', projectId: null, pipelineId: null, pipelineVersion: null,
    requestedModel: 'm', providerId: 'p', modelId: 'm', upstreamModel: 'm', credentialId: null, attempts: 1, status: 200, errorType: null, errorCode: null,
    promptTokens: 3, completionTokens: 5, cachedTokens: 0, reasoningTokens: 0, images: 0, tokensEstimated: false, costMicros: 10, creditsMicros: 20,
    latencyMs: 12.5, ttftMs: null, upstreamMs: 11, stream: false, cacheHit: false,
  };
}

let base: string;
beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), 'sy-journal-'));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const segments = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.jsonl'));

describe('LocalJournal of usage events', () => {
  it('writes the events of one turn together at its end, keeps them until stored, then lets their segment go', async () => {
    const journal = LocalJournal.open<UsageEvent>(base, 'gw_a', quiet);
    const events = Array.from({ length: 5_001 }, (_, i) => event(i));
    for (const e of events) journal.append(e);
    expect(readJournal(journal.dir)).toHaveLength(0); // buffered until the turn ends
    const written = journalsWritten();
    expect(written).toBeInstanceOf(Promise);
    await written;
    expect(readJournal(journal.dir)).toHaveLength(5_001);
    expect(journalsWritten()).toBeUndefined(); // nothing buffered any more
    expect(segments(journal.dir)).toHaveLength(2); // the first sealed at 5,000 events
    journal.stored(events.slice(0, 4_999));
    expect(segments(journal.dir)).toHaveLength(2); // one event of the first segment still pending
    journal.stored(events.slice(4_999, 5_000));
    expect(segments(journal.dir)).toHaveLength(1);
    journal.stored(events.slice(5_000));
    journal.close();
    expect(existsSync(journal.dir)).toBe(false); // nothing pending: the folder goes
  });

  it('keeps the folder at close when events were never stored', () => {
    const journal = LocalJournal.open<UsageEvent>(base, 'gw_b', quiet);
    journal.append(event(1));
    journal.append(event(2));
    journal.stored([event(99)]); // not one of ours: changes nothing
    journal.close();
    expect(readJournal(journal.dir).map((e) => e.requestId)).toEqual(['req_1', 'req_2']);
  });

  it('reads back what was written, skipping a line cut short by a kill', async () => {
    const journal = LocalJournal.open<UsageEvent>(base, 'gw_c', quiet);
    journal.append(event(1));
    await journalsWritten();
    appendFileSync(path.join(journal.dir, segments(journal.dir)[0]), '{"ts":17000,"requestId":"req_cu');
    expect(readJournal(journal.dir)).toEqual([event(1)]);
  });
});

describe('writerGone', () => {
  const owner = (over: Partial<JournalOwner>): JournalOwner => ({ instanceId: 'gw_x', pid: process.pid, host: hostname(), startedAt: 0, ...over });
  it('takes only folders of writers that stopped on this machine', () => {
    expect(writerGone(owner({ instanceId: 'gw_self' }), 'gw_self')).toBe(false); // our own folder
    expect(writerGone(owner({ pid: process.pid, instanceId: "gw_earlier" }), "gw_self")).toBe(true); // this pid under an id not open here: a restart
    expect(writerGone(owner({ pid: process.ppid }), 'gw_self')).toBe(false); // a running process
    expect(writerGone(owner({ pid: 2 ** 22 + 12345 }), 'gw_self')).toBe(true); // no such process
    expect(writerGone(owner({ pid: 2 ** 22 + 12345, host: 'elsewhere' }), 'gw_self')).toBe(false); // cannot tell: leave it
    expect(writerGone(undefined, 'gw_self')).toBe(true);
  });
});

describe('recoverJournals', () => {
  let db: Db;
  beforeEach(async () => {
    db = await openDatabase({ dataDir: base, sqliteFile: path.join(base, 'usage.sqlite') });
  });
  afterEach(() => db.destroy());

  /** A folder as a killed gateway leaves it: its owner no longer runs. */
  function orphan(name: string, events: UsageEvent[]): string {
    const journal = LocalJournal.open<UsageEvent>(path.join(base, 'journal'), name, quiet);
    for (const e of events) journal.append(e);
    journal.writeBuffered(); // the turn ended before the kill
    writeFileSync(path.join(journal.dir, 'owner.json'), JSON.stringify({ instanceId: name, pid: 2 ** 22 + 4321, host: hostname(), startedAt: 0 }));
    return journal.dir;
  }

  it('stores what a killed gateway had not written, once, with its rollups', async () => {
    const writer = new UsageWriter(db, new RollupState('gw_survivor'));
    await writer.write([event(1)]); // stored before the kill: must not be stored twice
    const dir = orphan('gw_dead', [event(1), event(2), event(3)]);
    const options = { baseDir: path.join(base, 'journal'), instanceId: 'gw_survivor', db, writer, logger: quiet };
    expect(await recoverJournals(options)).toBe(2);
    expect(existsSync(dir)).toBe(false);
    const rows = await db('usage_events').orderBy('request_id').select('request_id');
    expect(rows.map((r: { request_id: string }) => r.request_id)).toEqual(['req_1', 'req_2', 'req_3']);
    const [{ requests }] = await db('usage_rollup_day').sum({ requests: 'requests' });
    expect(Number(requests)).toBe(3);
    expect(await recoverJournals(options)).toBe(0); // nothing left
  });

  it('gives a folder back when storing fails, and stores it on a later sweep', async () => {
    orphan('gw_dead2', [event(7)]);
    let fail = true;
    const real = new UsageWriter(db, new RollupState('gw_s2'));
    const writer: BatchWriter = { write: (events) => (fail ? Promise.reject(new Error('database down')) : real.write(events)) };
    const options = { baseDir: path.join(base, 'journal'), instanceId: 'gw_s2', db, writer, logger: quiet };
    expect(await recoverJournals(options)).toBe(0);
    expect(readdirSync(path.join(base, 'journal'))).toEqual(['gw_dead2']);
    fail = false;
    expect(await recoverJournals(options)).toBe(1);
    expect(await db('usage_events').count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('leaves running gateways alone', async () => {
    const live = LocalJournal.open<UsageEvent>(path.join(base, 'journal'), 'gw_live', quiet); // this process: alive
    live.append(event(5));
    await journalsWritten();
    const writer = new UsageWriter(db, new RollupState('gw_s3'));
    expect(await recoverJournals({ baseDir: path.join(base, 'journal'), instanceId: 'gw_s3', db, writer, logger: quiet })).toBe(0);
    expect(readJournal(live.dir)).toHaveLength(1);
  });
});

describe('UsageRecorder with a journal', () => {
  it('journals on record, releases on store, and keeps a batch the database refused for good', async () => {
    const journal = LocalJournal.open<UsageEvent>(base, 'gw_r', quiet);
    let failing = true;
    const stored: string[] = [];
    const writer: BatchWriter = {
      async write(events) {
        if (failing) throw new Error('down');
        stored.push(...events.map((e) => e.requestId));
      },
    };
    const recorder = new UsageRecorder(writer, { batchSize: 10, flushIntervalMs: 10_000, capacity: 100, logger: quiet, journal });
    recorder.record(event(1));
    await journalsWritten(); // at the end of the turn, before any answer that waits for it
    expect(readJournal(journal.dir)).toHaveLength(1);
    for (let i = 0; i < 8; i++) await recorder.flush().then(() => (recorder as unknown as { retryAt: number }).retryAt = 0);
    expect(recorder.status().dropped.write_failed).toBe(1);
    failing = false;
    recorder.record(event(2));
    await recorder.flush();
    expect(stored).toEqual(['req_2']);
    await recorder.close();
    // req_1 was given up in memory but is still in the journal, for recovery.
    expect(readJournal(journal.dir).map((e) => e.requestId)).toEqual(['req_1', 'req_2']);
  });
});
