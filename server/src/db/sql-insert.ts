/**
 * A multi-row INSERT (optionally an upsert) in the syntax SQLite (3.24+) and PostgreSQL share:
 * `INSERT INTO t (..) VALUES (..), (..) ON CONFLICT (..) DO UPDATE SET c = excluded.c`.
 *
 * knex builds SQLite multi-row inserts as `SELECT .. UNION ALL SELECT ..` and binds every value,
 * which made writing usage the gateway's most expensive background work (node-sqlite3 spends
 * about 2 µs per bound value), and compiling its queries was a tenth of what the all-features
 * gateway allocated. Here finite numbers and booleans are written as literals, which cannot
 * inject anything; strings stay bound parameters.
 */
export type SqlValue = string | number | boolean | null | undefined;

export function multiRowInsert(table: string, columns: string[], rows: SqlValue[][], upsertKey?: string[]): { sql: string; bindings: string[] } {
  const bindings: string[] = [];
  const tuples = rows.map((row) => `(${row.map((v) => literalOrPlaceholder(v, bindings)).join(',')})`);
  let sql = `insert into ${ident(table)} (${columns.map(ident).join(',')}) values ${tuples.join(',')}`;
  if (upsertKey) {
    const updates = columns.filter((c) => !upsertKey.includes(c)).map((c) => `${ident(c)} = excluded.${ident(c)}`);
    sql += ` on conflict (${upsertKey.map(ident).join(',')}) do update set ${updates.join(',')}`;
  }
  return { sql, bindings };
}

function literalOrPlaceholder(v: SqlValue, bindings: string[]): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'NULL';
  bindings.push(v);
  return '?';
}

/** A table or column name, quoted; anything but lower-case snake case is refused. */
export function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected identifier ${name}`);
  return `"${name}"`;
}
