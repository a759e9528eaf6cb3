/**
 * The text of multi-row INSERTs (optionally upserts) in the syntax SQLite (3.24+) and PostgreSQL
 * share: `INSERT INTO t (..) VALUES (..), (..) ON CONFLICT (..) DO UPDATE SET c = excluded.c`.
 * knex builds SQLite multi-row inserts as `SELECT .. UNION ALL SELECT ..`, and compiling its
 * queries was a tenth of what the all-features gateway allocated; WriteBatch (write-batch.ts)
 * writes them with these.
 */
export type SqlValue = string | number | boolean | null | undefined;

/** What comes before the rows (`insert into .. values `) and after them (the upsert, or nothing). */
export function insertParts(table: string, columns: string[], upsertKey?: string[]): { head: string; tail: string } {
  const head = `insert into ${ident(table)} (${columns.map(ident).join(',')}) values `;
  if (!upsertKey) return { head, tail: '' };
  const updates = columns.filter((c) => !upsertKey.includes(c)).map((c) => `${ident(c)} = excluded.${ident(c)}`);
  return { head, tail: ` on conflict (${upsertKey.map(ident).join(',')}) do update set ${updates.join(',')}` };
}

/** A table or column name, quoted; anything but lower-case snake case is refused. */
export function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected identifier ${name}`);
  return `"${name}"`;
}
