import { describe, expect, it } from 'vitest';
import { insertParts } from './sql-insert';

describe('insertParts', () => {
  it('quotes the table and columns, and upserts on a key', () => {
    expect(insertParts('t', ['k', 'n', 's'], ['k'])).toEqual({ head: 'insert into "t" ("k","n","s") values ', tail: ' on conflict ("k") do update set "n" = excluded."n","s" = excluded."s"' });
    expect(insertParts('t', ['a'])).toEqual({ head: 'insert into "t" ("a") values ', tail: '' });
  });

  it('refuses identifiers that would need quoting', () => {
    expect(() => insertParts('t"; drop table x; --', ['a'])).toThrow(/identifier/);
    expect(() => insertParts('t', ['a b'])).toThrow(/identifier/);
  });
});
