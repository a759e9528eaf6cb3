/**
 * Environment settings of usage recording, analytics, the live feed and /metrics (documented in
 * docs/configuration.md). Read here rather than in config/env.ts to keep this feature's settings
 * together; `createGateway` reads them from process.env.
 */
export interface RetentionDays {
  /** Raw usage events. */
  rawDays: number;
  minuteDays: number;
  hourDays: number;
  dayDays: number;
}

export interface ObservabilitySettings {
  usageBatchSize: number;
  usageFlushMs: number;
  usageQueueMax: number;
  /** Keep accepted usage events in a local journal until stored (SWITCHYARD_USAGE_JOURNAL, default on). */
  usageJournal: boolean;
  /** Defaults until an operator changes retention through the API (then stored in the database). */
  retention: RetentionDays;
  purgeIntervalMs: number;
  /** When set, GET /metrics requires `Authorization: Bearer <token>`; unset, only loopback clients may read it. */
  metricsToken?: string;
  /** Prefix of this deployment's Redis keys and channels (several deployments may share one Redis). */
  redisPrefix: string;
}

export const DEFAULT_RETENTION: RetentionDays = { rawDays: 30, minuteDays: 7, hourDays: 90, dayDays: 730 };

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer between ${min} and ${max}, got '${raw}'`);
  return n;
}

function onOff(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1' || raw === 'on') return true;
  if (raw === 'false' || raw === '0' || raw === 'off') return false;
  throw new Error(`${name} must be true or false, got '${env[name]}'`);
}

export function readObservabilitySettings(env: NodeJS.ProcessEnv = process.env): ObservabilitySettings {
  return {
    usageBatchSize: int(env, 'SWITCHYARD_USAGE_BATCH_SIZE', 500, 1, 5000),
    usageFlushMs: int(env, 'SWITCHYARD_USAGE_FLUSH_MS', 250, 10, 60_000),
    usageQueueMax: int(env, 'SWITCHYARD_USAGE_QUEUE_MAX', 50_000, 1, 10_000_000),
    usageJournal: onOff(env, 'SWITCHYARD_USAGE_JOURNAL', true),
    retention: {
      rawDays: int(env, 'SWITCHYARD_RETENTION_RAW_DAYS', DEFAULT_RETENTION.rawDays, 1, 36_500),
      minuteDays: int(env, 'SWITCHYARD_RETENTION_MINUTE_DAYS', DEFAULT_RETENTION.minuteDays, 1, 36_500),
      hourDays: int(env, 'SWITCHYARD_RETENTION_HOUR_DAYS', DEFAULT_RETENTION.hourDays, 1, 36_500),
      dayDays: int(env, 'SWITCHYARD_RETENTION_DAY_DAYS', DEFAULT_RETENTION.dayDays, 1, 36_500),
    },
    purgeIntervalMs: int(env, 'SWITCHYARD_RETENTION_PURGE_MS', 3_600_000, 1000, 7 * 86_400_000),
    metricsToken: env.SWITCHYARD_METRICS_TOKEN || undefined,
    redisPrefix: env.SWITCHYARD_REDIS_PREFIX || 'switchyard',
  };
}
