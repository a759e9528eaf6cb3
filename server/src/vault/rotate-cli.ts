/**
 * npm run vault:rotate: makes a new master key version current and re-encrypts every stored
 * secret under it. With a key file (<data>/master.key) it does both at once; running servers pick
 * the new version up from the file. With SWITCHYARD_MASTER_KEY it prints the new keyring value;
 * deploy it everywhere, then run `npm run vault:rotate -- --reencrypt`.
 */
import { readEnv } from '../config/env';
import { openDatabase } from '../db/connect';
import { AuditLog } from '../identity/audit/audit-log';
import { rotateMasterKey } from './rotate';

async function main(): Promise<void> {
  const env = readEnv(process.env);
  const reencryptOnly = process.argv.includes('--reencrypt');
  const db = await openDatabase({ databaseUrl: env.databaseUrl, dataDir: env.dataDir });
  try {
    const result = await rotateMasterKey({ db, audit: new AuditLog(db), dataDir: env.dataDir, masterKey: env.masterKey, reencryptOnly, settleMs: 2500 });
    if (result.envValue) {
      process.stdout.write(
        `New key version ${result.toVersion}. Set this everywhere, restart, then run: npm run vault:rotate -- --reencrypt\n\nSWITCHYARD_MASTER_KEY=${result.envValue}\n`,
      );
    } else {
      process.stdout.write(`Master key version ${result.toVersion} is current${result.keyFile ? ` (${result.keyFile})` : ''}; re-encrypted ${result.reencrypted} secret(s).\n`);
    }
  } finally {
    await db.destroy();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`vault:rotate failed: ${err.message}\n`);
  process.exitCode = 1;
});
