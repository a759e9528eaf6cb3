#!/usr/bin/env node
/**
 * `switchyard <command>`: operating a Switchyard installation from a shell. It reads the same
 * environment as the server (DATABASE_URL or SWITCHYARD_DATA_DIR, SWITCHYARD_MASTER_KEY,
 * REDIS_URL, ...). Run it as `npm run switchyard -- <command>` from the repository.
 */
import { parseArgs } from 'node:util';
import { readEnv } from '../config/env';
import { openDatabase } from '../db/connect';
import { AuditLog } from '../identity/audit/audit-log';
import { withContext } from './context';
import { CliError } from './errors';
import { createKey, listKeys, revokeKey } from './keys';
import { createAdmin } from './users';

const USAGE = `Usage: switchyard <command> [options]

Commands:
  start                              run the server (same as npm start)
  migrate                            bring the database schema up to date, then exit
  create-admin --email <e> [--password <p>] [--role owner|admin] [--name <n>]
                                     create an owner (first account) or admin; prints a generated password once
  keys list [--user <id|email>]      list API keys (never their secrets)
  keys create --user <id|email> --name <n> [--scopes a,b] [--expires-days <n>]
                                     create an API key; prints it once
  keys revoke <key id>               revoke an API key (instances sharing Redis drop it at once)
  audit verify                       check the audit log's hash chain; exit code 1 when broken
  vault rotate [--reencrypt]         new master key version, re-encrypt stored secrets
`;

const out = (line: string) => process.stdout.write(`${line}\n`);

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      user: { type: 'string' },
      scopes: { type: 'string' },
      'expires-days': { type: 'string' },
      reencrypt: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub, arg] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return command || values.help ? 0 : 2;
  }
  switch (command) {
    case 'start':
      await import('../main');
      return -1; // the server keeps the process alive
    case 'migrate': {
      const env = readEnv(process.env);
      const db = await openDatabase({ databaseUrl: env.databaseUrl, dataDir: env.dataDir });
      const [, pending] = (await db.migrate.list({ migrationSource: (await import('../db/migrations/index')).migrationSource })) as [unknown[], unknown[]];
      await db.destroy();
      out(`Database schema is up to date (${env.databaseUrl ? 'PostgreSQL' : 'SQLite'}${pending.length ? `, ${pending.length} still pending?` : ''}).`);
      return pending.length ? 1 : 0;
    }
    case 'create-admin':
      await withContext((ctx) => createAdmin(ctx, values), out);
      return 0;
    case 'keys':
      if (sub === 'list') await withContext((ctx) => listKeys(ctx, values), out);
      else if (sub === 'create') await withContext((ctx) => createKey(ctx, values), out);
      else if (sub === 'revoke') await withContext((ctx) => revokeKey(ctx, arg), out);
      else throw new CliError(`unknown keys command '${sub ?? ''}' (list, create, revoke)`);
      return 0;
    case 'audit': {
      if (sub !== 'verify') throw new CliError(`unknown audit command '${sub ?? ''}' (verify)`);
      return withContext(async (ctx) => {
        const result = await new AuditLog(ctx.db).verify();
        if (result.ok) out(`Audit log intact: ${result.count} entries, head #${result.head.seq}.`);
        else out(`Audit log BROKEN at entry #${result.problem?.seq}: ${result.problem?.reason}`);
        return result.ok ? 0 : 1;
      }, out);
    }
    case 'vault': {
      if (sub !== 'rotate') throw new CliError(`unknown vault command '${sub ?? ''}' (rotate)`);
      const { rotateMasterKey } = await import('../vault/rotate');
      return withContext(async (ctx) => {
        const result = await rotateMasterKey({ db: ctx.db, audit: new AuditLog(ctx.db), dataDir: ctx.env.dataDir, masterKey: ctx.env.masterKey, reencryptOnly: Boolean(values.reencrypt), settleMs: 2500 });
        if (result.envValue) out(`New key version ${result.toVersion}. Set this everywhere, restart, then run: switchyard vault rotate --reencrypt\n\nSWITCHYARD_MASTER_KEY=${result.envValue}`);
        else out(`Master key version ${result.toVersion} is current${result.keyFile ? ` (${result.keyFile})` : ''}; re-encrypted ${result.reencrypted} secret(s).`);
        return 0;
      }, out);
    }
    default:
      throw new CliError(`unknown command '${command}'\n\n${USAGE}`);
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: Error) => {
    process.stderr.write(`switchyard: ${err instanceof CliError ? err.message : (err.message ?? String(err))}\n`);
    process.exitCode = err instanceof CliError ? 2 : 1;
  },
);
