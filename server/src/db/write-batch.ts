import { isPostgres, type Db } from './connect';
import { insertParts, type SqlValue } from './sql-insert';

/** Gives a value's text in a statement (a literal, or a placeholder it binds), or undefined when it cannot. */
type ValueWriter = (v: SqlValue) => string | undefined;

/** A statement that writes its values with the writer it is given; undefined when one could not be written. */
type Statement = (write: ValueWriter) => string | undefined;

/**
 * Write statements that return nothing and do not depend on each other, run inside the caller's
 * transaction as one unit, in the order added.
 *
 * On SQLite they go to the database as one script: one trip to node-sqlite3's worker thread
 * instead of two per statement (prepare, then run). Each trip costs the main thread more than the
 * statement's own work there: waking the worker is a futex call that, on a small virtual machine,
 * took a fifth of the main thread's time in a window of lease charges, and node-sqlite3 binds and
 * finalizes every statement on the main thread. A script cannot take bound values, so values are
 * written as literals (strings quoted, see sqlLiteral); a batch holding a string that cannot be
 * written so runs statement by statement, strings bound.
 *
 * On PostgreSQL they are issued together, strings bound: the driver sends them back to back.
 */
export class WriteBatch {
  private readonly statements: Statement[] = [];

  get size(): number {
    return this.statements.length;
  }

  /** One statement: `sql` has a `?` for each value and no other `?`, and is the gateway's own text, never input. */
  add(sql: string, values: SqlValue[] = []): this {
    const pieces = sql.split('?');
    if (pieces.length !== values.length + 1) throw new Error(`statement has ${pieces.length - 1} placeholders for ${values.length} values`);
    this.statements.push((write) => {
      const texts = writeAll(values, write);
      return texts && pieces.reduce((out, piece, i) => out + texts[i - 1] + piece);
    });
    return this;
  }

  /** Rows that share their columns (those of the first row), in statements of at most `chunk` rows. */
  insert(table: string, rows: Array<Record<string, SqlValue>>, chunk = 500): this {
    if (rows.length === 0) return this;
    const columns = Object.keys(rows[0]);
    return this.insertValues(table, columns, rows.map((row) => columns.map((c) => row[c])), { chunk });
  }

  /** Rows given as values in the order of `columns`, in statements of at most `chunk` rows; with `upsertKey`, a row whose key exists takes the new values. */
  insertValues(table: string, columns: string[], rows: SqlValue[][], options: { chunk?: number; upsertKey?: string[] } = {}): this {
    const chunk = options.chunk ?? 500;
    const { head, tail } = insertParts(table, columns, options.upsertKey);
    for (let i = 0; i < rows.length; i += chunk) {
      const part = rows.slice(i, i + chunk);
      this.statements.push((write) => {
        const tuples: string[] = new Array(part.length);
        for (let r = 0; r < part.length; r++) {
          if (part[r].length !== columns.length) throw new Error(`a row of ${part[r].length} values for ${columns.length} columns`);
          const texts = writeAll(part[r], write);
          if (!texts) return undefined;
          tuples[r] = `(${texts.join(',')})`;
        }
        return head + tuples.join(',') + tail;
      });
    }
    return this;
  }

  /** The batch as one SQLite script with every value written in, or undefined when one cannot be. */
  sqliteScript(): string | undefined {
    const parts: string[] = [];
    for (const statement of this.statements) {
      const sql = statement(sqlLiteral);
      if (sql === undefined) return undefined;
      parts.push(sql);
    }
    return `${parts.join(';\n')};`;
  }

  /** Each statement with its strings bound and its other values written as literals (the same text on both databases). */
  boundStatements(): Array<{ sql: string; bindings: string[] }> {
    return this.statements.map((statement) => {
      const bindings: string[] = [];
      const sql = statement((v) => {
        if (typeof v !== 'string') return sqlLiteral(v);
        bindings.push(v);
        return '?';
      })!;
      return { sql, bindings };
    });
  }

  /** Runs the batch in `trx`, which must be a transaction: on SQLite the script goes to its connection. */
  async run(trx: Db): Promise<void> {
    // Outside a transaction, acquireConnection would take a connection from the pool and keep it.
    if (!(trx as { isTransaction?: boolean }).isTransaction) throw new Error('WriteBatch.run needs a transaction');
    if (this.statements.length === 0) return;
    if (isPostgres(trx)) {
      await Promise.all(this.boundStatements().map((s) => trx.raw(s.sql, s.bindings)));
      return;
    }
    const script = this.sqliteScript();
    if (script === undefined) {
      for (const s of this.boundStatements()) await trx.raw(s.sql, s.bindings);
      return;
    }
    const connection = (await trx.client.acquireConnection()) as { exec(sql: string, cb: (err: Error | null) => void): void };
    await new Promise<void>((resolve, reject) => connection.exec(script, (err) => (err ? reject(err) : resolve())));
  }
}

/** Each value's text, or undefined as soon as one cannot be written. */
function writeAll(values: SqlValue[], write: ValueWriter): string[] | undefined {
  const texts: string[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const text = write(values[i]);
    if (text === undefined) return undefined;
    texts[i] = text;
  }
  return texts;
}

/**
 * A value as an SQL literal that SQLite and PostgreSQL read alike. Strings are quoted with their
 * quotes doubled, which is all SQLite reads inside a string literal (it has no backslash escapes);
 * only SQLite scripts get strings this way. A string holding NUL cannot be written in a script (it
 * would end it): undefined.
 */
export function sqlLiteral(v: SqlValue): string | undefined {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  // A negative number in parentheses: after a minus in the statement, "--5" would start a comment.
  if (typeof v === 'number') return Number.isFinite(v) ? (v < 0 ? `(${v})` : String(v)) : 'NULL';
  if (v.includes('\u0000')) return undefined;
  return v.includes("'") ? `'${v.replaceAll("'", "''")}'` : `'${v}'`;
}
