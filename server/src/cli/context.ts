import { readEnv, type ServerEnv } from '../config/env';
import { openDatabase, type Db } from '../db/connect';
import { createIdentity, type Identity } from '../identity';
import { identitySettings } from '../identity/settings';
import { createLogger } from '../logger';
import { startScaleOut, type ScaleOut } from '../scale/scale-out';

/** What a CLI command works with: the same database (migrated) and identity services as the server. */
export interface CliContext {
  env: ServerEnv;
  db: Db;
  identity: Identity;
  out(line: string): void;
}

/**
 * Opens the database for one command and closes everything after it. With REDIS_URL set,
 * identity's changes (a revoked key) are announced to running instances over Redis.
 */
export async function withContext<T>(work: (ctx: CliContext) => Promise<T>, out: (line: string) => void): Promise<T> {
  const env = readEnv(process.env);
  const logger = createLogger(process.env.SWITCHYARD_LOG_LEVEL || 'warn');
  const db = await openDatabase({ databaseUrl: env.databaseUrl, dataDir: env.dataDir });
  let scale: ScaleOut | undefined;
  let identity: Identity | undefined;
  try {
    scale = env.redisUrl ? await startScaleOut({ redisUrl: env.redisUrl, prefix: process.env.SWITCHYARD_REDIS_PREFIX || 'switchyard', logger }) : undefined;
    identity = createIdentity({ db, logger, settings: identitySettings(undefined, process.env), bus: scale?.identityBus });
    return await work({ env, db, identity, out });
  } finally {
    await identity?.close();
    await scale?.close();
    await db.destroy();
  }
}
