import path from 'node:path';
import { readHttpTimeouts, readMs, type HttpTimeouts } from '../http/http-timeouts';

/** Every setting the server reads from the environment. Documented in docs/configuration.md. */
export interface ServerEnv {
  port: number;
  host: string;
  dataDir: string;
  configFile: string;
  /** Whether SWITCHYARD_CONFIG was set explicitly (then a missing file is an error). */
  configFileExplicit: boolean;
  databaseUrl?: string;
  redisUrl?: string;
  masterKey?: string;
  adminKey?: string;
  logLevel: string;
  /** Largest accepted request body. */
  bodyLimit: string;
  /** Seed the mock provider on an empty database (the no-keys quick start). */
  seedMock: boolean;
  /** Limits on slow clients (SWITCHYARD_HEADERS_TIMEOUT_MS, _REQUEST_TIMEOUT_MS, _BODY_TIMEOUT_MS). */
  httpTimeouts: HttpTimeouts;
  /** SWITCHYARD_STREAM_IDLE_TIMEOUT_MS: the longest silence of an upstream stream before it is abandoned (504); 0: none. */
  streamIdleTimeoutMs: number;
}

export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 120_000;

export function readEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServerEnv {
  const port = env.PORT === undefined || env.PORT === '' ? 8080 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got '${env.PORT}'`);
  return {
    port,
    host: env.HOST || '127.0.0.1',
    dataDir: path.resolve(cwd, env.SWITCHYARD_DATA_DIR || 'data'),
    configFile: path.resolve(cwd, env.SWITCHYARD_CONFIG || 'switchyard.config.yaml'),
    configFileExplicit: Boolean(env.SWITCHYARD_CONFIG),
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    masterKey: env.SWITCHYARD_MASTER_KEY || undefined,
    adminKey: env.SWITCHYARD_ADMIN_KEY || undefined,
    logLevel: env.SWITCHYARD_LOG_LEVEL || 'info',
    bodyLimit: env.SWITCHYARD_BODY_LIMIT || '20mb',
    seedMock: env.SWITCHYARD_SEED_MOCK !== 'false',
    httpTimeouts: readHttpTimeouts(env),
    streamIdleTimeoutMs: readMs(env, 'SWITCHYARD_STREAM_IDLE_TIMEOUT_MS', DEFAULT_STREAM_IDLE_TIMEOUT_MS),
  };
}
