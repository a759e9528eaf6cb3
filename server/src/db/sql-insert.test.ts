import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageBackends } from '../../../test/support/backends';
import { openTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import type { Db } from './connect';
import { insertRows, multiRowInsert } from './sql-insert';

describe('multiRowInsert', () => {
  it('inlines finite numbers and booleans, binds strings, and upserts on a key', () => {
    const { sql, bindings } = multiRowInsert('t', ['k', 'n', 'b', 's'], [[1, 2.5, true, "it's ? here"], [2, Number.NaN, false, null]], ['k']);
    expect(sql).toBe(
      'insert into "t" ("k","n","b","s") values (1,2.5,TRUE,?),(2,NULL,FALSE,NULL) on conflict ("k") do update set "n" = excluded."n","b" = excluded."b","s" = excluded."s"',
    );
    expect(bindings).toEqual(["it's ? here"]);
  });

  it('refuses identifiers that would need quoting', () => {
    expect(() => multiRowInsert('t"; drop table x; --', ['a'], [[1]])).toThrow(/identifier/);
  });
});

describe.each(await storageBackends())('insertRows (%s)', (backend) => {
  let db: Db;
  let temp: TestDatabase;

  beforeAll(async () => {
    temp = await openTestDatabase(backend, 'sy-insert-rows-');
    db = temp.db;
    await db.schema.createTable('ir_rows', (t) => {
      t.string('id').primary();
      t.bigInteger('amount').notNullable();
      t.boolean('flag').notNullable().defaultTo(false);
      t.string('note').nullable();
      t.integer('count').notNullable().defaultTo(7);
    });
  });
  afterAll(async () => {
    await temp?.close();
  });

  it('writes every row, in statements of `chunk` rows, with values as given', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => ({ id: `r${i}`, amount: 1_000_000_000_000 + i, flag: i % 2 === 0, note: i === 3 ? null : `it's "${i}" ?`, count: i }));
    await insertRows(db, 'ir_rows', rows, 3);
    const stored = await db('ir_rows').whereIn('id', rows.map((r) => r.id)).orderBy('id');
    expect(stored.map((r) => ({ ...r, amount: Number(r.amount), flag: Boolean(r.flag) }))).toEqual(rows);
  });

  it('hands a chunk with an undefined value to knex, which decides what it means per database', async () => {
    await insertRows(db, 'ir_rows', [{ id: 'd1', amount: 1, flag: true, note: undefined, count: 2 }]);
    expect(await db('ir_rows').where({ id: 'd1' }).first()).toMatchObject({ note: null, count: 2 });
  });

  it('writes nothing for no rows', async () => {
    await insertRows(db, 'ir_rows', []);
  });
});
