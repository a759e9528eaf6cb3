import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageBackends } from '../../../test/support/backends';
import { openTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import type { Db } from './connect';
import { GroupCommit, type ApplyBatch } from './group-commit';

type Work = (trx: Db) => Promise<unknown>;

/** The simplest batch: closures run one after another in the shared transaction. */
const oneAfterAnother: ApplyBatch<Work, unknown> = async (trx, works) => {
  const out: unknown[] = [];
  for (const work of works) out.push(await work(trx));
  return out;
};

describe.each(await storageBackends())('group commit (%s)', (backend) => {
  let db: Db;
  let temp: TestDatabase;

  beforeAll(async () => {
    temp = await openTestDatabase(backend, 'sy-group-commit-');
    db = temp.db;
    await db.schema.createTable('gc_rows', (t) => {
      t.string('id').primary();
      t.string('key').notNullable();
      t.integer('seq').notNullable();
    });
  });
  afterAll(async () => {
    await temp?.close();
  });

  /** Counts the transactions knex opens, by watching for its BEGIN statements. */
  function countTransactions(): { count(): number; stop(): void } {
    let begins = 0;
    const onQuery = (q: { sql: string }) => {
      if (/^begin/i.test(q.sql)) begins++;
    };
    db.on('query', onQuery);
    return { count: () => begins, stop: () => db.removeListener('query', onQuery) };
  }

  it('commits units submitted in the same turn in one transaction, the first included', async () => {
    const gc = new GroupCommit(db, oneAfterAnother);
    const seen = countTransactions();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => gc.submit(`k${i}`, async () => i)));
    seen.stop();
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(seen.count()).toBe(1);
  });

  it('commits units that arrive together in far fewer transactions, each with its own result', async () => {
    const gc = new GroupCommit(db, oneAfterAnother);
    const seen = countTransactions();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        gc.submit(`k${i % 3}`, async (trx) => {
          await trx('gc_rows').insert({ id: `a${i}`, key: `k${i % 3}`, seq: i });
          return i * 2;
        }),
      ),
    );
    seen.stop();
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i * 2));
    expect(await db('gc_rows').where('id', 'like', 'a%')).toHaveLength(40);
    // The first unit runs alone, the other 39 share what follows.
    expect(seen.count()).toBeGreaterThanOrEqual(1);
    expect(seen.count()).toBeLessThanOrEqual(3);
  });

  it('keeps the submission order of units with the same key', async () => {
    const gc = new GroupCommit(db, oneAfterAnother);
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        gc.submit(i % 2 ? 'z' : 'a', async () => {
          order.push(i);
        }),
      ),
    );
    const odd = order.filter((i) => i % 2 === 1);
    const even = order.filter((i) => i % 2 === 0);
    expect(odd).toEqual([...odd].sort((x, y) => x - y));
    expect(even).toEqual([...even].sort((x, y) => x - y));
  });

  it('a unit that throws fails alone: the rest of its batch is committed', async () => {
    const gc = new GroupCommit(db, oneAfterAnother, { lanes: 2 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        gc.submit(`k${i}`, async (trx) => {
          await trx('gc_rows').insert({ id: `b${i}`, key: `k${i}`, seq: i });
          // A duplicate primary key: the database refuses it, which aborts the shared transaction.
          if (i === 7) await trx('gc_rows').insert({ id: 'b0', key: 'dup', seq: -1 });
          return i;
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(1);
    expect(outcomes[7].status).toBe('rejected');
    const rows = await db('gc_rows').where('id', 'like', 'b%').orderBy('seq');
    expect(rows.map((r) => r.id).sort()).toEqual(['b0', 'b1', 'b10', 'b11', 'b2', 'b3', 'b4', 'b5', 'b6', 'b8', 'b9']);
  });

  it('drain waits for everything submitted', async () => {
    const gc = new GroupCommit(db, oneAfterAnother);
    for (let i = 0; i < 10; i++) void gc.submit('d', (trx) => trx('gc_rows').insert({ id: `c${i}`, key: 'd', seq: i }));
    await gc.drain();
    expect(await db('gc_rows').where({ key: 'd' })).toHaveLength(10);
  });
});
