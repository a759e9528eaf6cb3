import { describe, expect, it } from 'vitest';
import { multiRowInsert } from './sql-insert';

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
