import { isPostgres, type Db } from './connect';
import { ident, type SqlValue } from './sql-insert';

interface Statement {
  /** With `?` for each value and no other `?`; built from the gateway's own identifiers, never from input. */
  sql: string;
  values: SqlValue[];
}

/**
 * Write statements that return nothing and do not depend on each other, run inside the caller's
 * transaction as one unit.
 *
 * On SQLite they go to the database as one script: one trip to node-sqlite3's worker thread
 * instead of two per statement (prepare, then run). Each trip costs the main thread more than the
 * statement's own work there: waking the worker is a futex call that, on a small virtual machine,
 * took a fifth of the main thread's time in a window of lease charges, and node-sqlite3 finalizes
 * every statement on the main thread. A script cannot take bound values, so values are written as
 * literals (strings quoted, see sqliteLiteral); a batch holding a string that cannot be written so
 * runs statement by statement, with bound values.
 *
 * On PostgreSQL they are issued together, strings bound: the driver sends them back to back.
 */
export class WriteBatch {
  private readonly statements: Statement[] = [];

  get size(): number {
    return this.statements.length;
  }

  /** One statement; `sql` has a `?` for each value. */
  add(sql: string, values: SqlValue[] = []): this {
    this.statements.push({ sql, values });
    return this;
  }

  /** Rows that share their columns (those of the first row), in statements of at most `chunk` rows. */
  insert(table: string, rows: Array<Record<string, SqlValue>>, chunk = 500): this {
    if (rows.length === 0) return this;
    const columns = Object.keys(rows[0]);
    const head = `insert into ${ident(table)} (${columns.map(ident).join(',')}) values `;
    const tuple = `(${columns.map(() => '?').join(',')})`;
    for (let i = 0; i < rows.length; i += chunk) {
      const part = rows.slice(i, i + chunk);
      const values: SqlValue[] = [];
      for (const row of part) for (const c of columns) values.push(row[c] ?? null);
      this.statements.push({ sql: head + part.map(() => tuple).join(','), values });
    }
    return this;
  }

  async run(trx: Db): Promise<void> {
    if (this.statements.length === 0) return;
    if (isPostgres(trx)) {
      await Promise.all(this.statements.map((s) => boundStrings(s)).map((s) => trx.raw(s.sql, s.bindings)));
      return;
    }
    const script = sqliteScript(this.statements);
    if (script === undefined) {
      for (const s of this.statements.map(boundStrings)) await trx.raw(s.sql, s.bindings);
      return;
    }
    const connection = (await trx.client.acquireConnection()) as { exec(sql: string, cb: (err: Error | null) => void): void };
    await new Promise<void>((resolve, reject) => connection.exec(script, (err) => (err ? reject(err) : resolve())));
  }
}

/** Writes each value in place of its placeholder (`write` gives the text, or undefined when it cannot). */
function fill(statement: Statement, write: (v: SqlValue) => string | undefined): string | undefined {
  const pieces = statement.sql.split('?');
  if (pieces.length !== statement.values.length + 1) throw new Error(`statement has ${pieces.length - 1} placeholders for ${statement.values.length} values`);
  let out = pieces[0];
  for (let i = 0; i < statement.values.length; i++) {
    const text = write(statement.values[i]);
    if (text === undefined) return undefined;
    out += text + pieces[i + 1];
  }
  return out;
}

/** The statements as one script with their values written in, or undefined when one cannot be. */
export function sqliteScript(statements: Statement[]): string | undefined {
  const parts: string[] = [];
  for (const statement of statements) {
    const sql = fill(statement, sqliteLiteral);
    if (sql === undefined) return undefined;
    parts.push(sql);
  }
  return `${parts.join(';\n')};`;
}

/** Strings stay bound; numbers, booleans and nulls are written as literals, as multiRowInsert does (the same text on both databases). */
function boundStrings(statement: Statement): { sql: string; bindings: string[] } {
  const bindings: string[] = [];
  const sql = fill(statement, (v) => {
    if (typeof v !== 'string') return sqliteLiteral(v);
    bindings.push(v);
    return '?';
  })!;
  return { sql, bindings };
}

/**
 * A value as an SQL literal that SQLite and PostgreSQL read alike. Strings are quoted with their
 * quotes doubled, which is all SQLite reads inside a string literal (it has no backslash escapes);
 * only SQLite scripts get strings this way. A string holding NUL cannot be written in a script (it
 * would end it): undefined.
 */
export function sqliteLiteral(v: SqlValue): string | undefined {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  // A negative number in parentheses: after a minus in the statement, "--5" would start a comment.
  if (typeof v === 'number') return Number.isFinite(v) ? (v < 0 ? `(${v})` : String(v)) : 'NULL';
  if (v.includes('\u0000')) return undefined;
  return `'${v.replaceAll("'", "''")}'`;
}
