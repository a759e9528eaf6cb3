import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageBackends, type Backend } from '../../../test/support/backends';
import { openTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import type { Db } from './connect';
import { sqlLiteral, WriteBatch } from './write-batch';

/** Strings that would break, or change, a statement they were pasted into unquoted or badly quoted. */
/** A database of the test's own with table wb_rows, opened before the tests of the describe block it is called in. */
function rowsTable(backend: Backend) {
  let temp: TestDatabase;
  beforeAll(async () => {
    temp = await openTestDatabase(backend, 'sy-write-batch-');
    await temp.db.schema.createTable('wb_rows', (t) => {
      t.string('id').primary();
      t.bigInteger('amount').notNullable();
      t.boolean('flag').notNullable().defaultTo(false);
      t.text('note').nullable();
    });
  });
  afterAll(async () => {
    await temp?.close();
  });
  const db = (): Db => temp.db;
  return { db, rows: () => db()('wb_rows').orderBy('id').select('id', 'amount', 'flag', 'note') };
}

/** Runs `fn` and returns the statements knex sent meanwhile that name wb_rows. */
async function statementsDuring(db: Db, fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const onQuery = (q: { sql: string }) => seen.push(q.sql);
  db.on('query', onQuery);
  try {
    await fn();
  } finally {
    db.off('query', onQuery);
  }
  return seen.filter((sql) => sql.includes('wb_rows'));
}

const awkward = ["it's", "'); drop table wb_rows; --", 'a ? b ?? c', 'semi;colon', 'back\\slash\\', '-- not a comment', 'ünïcödé ✓ 𝄞', '', '/* open'];

describe('sqlLiteral and the SQLite script', () => {
  it('quotes strings with their quotes doubled, and writes numbers, booleans and nulls as SQLite reads them', () => {
    expect(sqlLiteral("it's")).toBe("'it''s'");
    expect(sqlLiteral(42)).toBe('42');
    expect(sqlLiteral(-5)).toBe('(-5)'); // "amount - -5" would start a comment
    expect(sqlLiteral(Number.NaN)).toBe('NULL');
    expect(sqlLiteral(true)).toBe('TRUE');
    expect(sqlLiteral(null)).toBe('NULL');
    expect(sqlLiteral(undefined)).toBe('NULL');
    expect(sqlLiteral('a\u0000b')).toBeUndefined();
  });

  it('writes each value in place of its placeholder, and refuses a count that does not match', () => {
    const batch = new WriteBatch().add('update t set a = a - ? where id = ?', [-3, 'x?y']).add('delete from u').insertValues('v', ['a', 'b'], [[1, "o'k"], [null, true]]);
    expect(batch.sqliteScript()).toBe(`update t set a = a - (-3) where id = 'x?y';\ndelete from u;\ninsert into "v" ("a","b") values (1,'o''k'),(NULL,TRUE);`);
    expect(batch.boundStatements()).toEqual([
      { sql: 'update t set a = a - (-3) where id = ?', bindings: ['x?y'] },
      { sql: 'delete from u', bindings: [] },
      { sql: 'insert into "v" ("a","b") values (1,?),(NULL,TRUE)', bindings: ["o'k"] },
    ]);
    expect(new WriteBatch().add('select ?', ['a\u0000']).sqliteScript()).toBeUndefined();
    expect(() => new WriteBatch().add('select ?, ?', [1])).toThrow(/placeholders/);
  });
});

describe.each(await storageBackends())('WriteBatch (%s)', (backend) => {
  const { db, rows } = rowsTable(backend);

  it('stores every value exactly as given, the awkward strings too, in statement order', async () => {
    const statements = await statementsDuring(db(), () => db().transaction(async (trx) => {
      const batch = new WriteBatch().insert(
        'wb_rows',
        awkward.map((note, i) => ({ id: `r${i}`, amount: i * 10, flag: i % 2 === 0, note })),
        4,
      );
      batch.add('update "wb_rows" set "amount" = "amount" - ? where "id" = ?', [-5, 'r1']); // a negative value after a minus
      batch.add('update "wb_rows" set "note" = ? where "id" = ?', [null, 'r2']);
      expect(batch.size).toBe(5); // three inserts of at most 4 rows, two updates
      await batch.run(trx);
    }));
    const stored = await rows();
    expect(stored.map((r) => [r.id, Number(r.amount), Boolean(r.flag), r.note])).toEqual(
      awkward.map((note, i) => [`r${i}`, i * 10 + (i === 1 ? 5 : 0), i % 2 === 0, i === 2 ? null : note]),
    );
    // SQLite gets one script, past knex (whose query events would show each statement); PostgreSQL gets each statement.
    expect(statements).toHaveLength(backend === 'sqlite' ? 0 : 5);
    await db()('wb_rows').del();
  });

  it('runs only inside a transaction', async () => {
    await expect(new WriteBatch().add('delete from "wb_rows"').run(db())).rejects.toThrow(/needs a transaction/);
  });

  it('leaves nothing behind when one statement fails: the transaction rolls back', async () => {
    await db()('wb_rows').insert({ id: 'taken', amount: 1 });
    const failing = db().transaction(async (trx) => {
      await new WriteBatch()
        .insert('wb_rows', [{ id: 'fresh', amount: 2, flag: true, note: 'x' }])
        .insert('wb_rows', [{ id: 'taken', amount: 3, flag: false, note: 'y' }])
        .run(trx);
    });
    await expect(failing).rejects.toThrow(/unique|UNIQUE|duplicate/);
    expect((await rows()).map((r) => r.id)).toEqual(['taken']);
    await db()('wb_rows').del();
  });
});

// PostgreSQL refuses NUL in text whichever way it is sent; only a script cannot carry it.
describe('WriteBatch on SQLite, with a string a script cannot carry', () => {
  const { db, rows } = rowsTable('sqlite');

  it('runs a batch holding a string a script cannot carry statement by statement, with bound values', async () => {
    const statements = await statementsDuring(db(), () => db().transaction(async (trx) => {
      await new WriteBatch()
        .insert('wb_rows', [{ id: 'nul', amount: 1, flag: false, note: 'before\u0000after' }])
        .add('update "wb_rows" set "amount" = ? where "id" = ?', [9, 'nul'])
        .run(trx);
    }));
    expect(statements).toHaveLength(2);
    const [row] = await rows();
    expect([row.id, Number(row.amount), row.note]).toEqual(['nul', 9, 'before\u0000after']);
    await db()('wb_rows').del();
  });
});
