import type { ScryptParams } from './passwords';

/** Identity and access settings. Read from the environment (docs/configuration.md, Security). */
export interface IdentitySettings {
  /** How long a console session lives after sign-in. */
  sessionTtlMs: number;
  /** Origins (scheme://host[:port]) besides the console's own that may call /api with cookies. */
  corsOrigins: string[];
  /** Whether browsers on any origin may call /v1 (without cookies). */
  v1CorsAnyOrigin: boolean;
  /** Express `trust proxy`: which proxies' X-Forwarded-* headers are believed (client IP, TLS). */
  trustProxy: string | boolean | number;
  /** Lifetime of the first-run setup link. */
  setupTokenTtlMs: number;
  /** How long a verified API key is served from memory before it is read again. */
  keyCacheTtlMs: number;
  /** How long a session lookup is served from memory. */
  sessionCacheTtlMs: number;
  /** How often buffered "last used" times are written. */
  lastUsedFlushMs: number;
  scrypt: ScryptParams;
  throttle: {
    /** Failures allowed per account before backoff starts. */
    accountFreeFailures: number;
    /** Failures allowed per client IP before backoff starts. */
    ipFreeFailures: number;
    baseDelayMs: number;
    maxDelayMs: number;
    /** A key with no failure for this long starts over. */
    forgetAfterMs: number;
  };
}

export const DEFAULT_IDENTITY_SETTINGS: IdentitySettings = {
  sessionTtlMs: 12 * 3_600_000,
  corsOrigins: [],
  v1CorsAnyOrigin: true,
  trustProxy: 'loopback',
  setupTokenTtlMs: 24 * 3_600_000,
  keyCacheTtlMs: 60_000,
  sessionCacheTtlMs: 30_000,
  lastUsedFlushMs: 60_000,
  // N = 2^15, r = 8: 32 MiB and tens of milliseconds per hash; stored with each hash so it can rise later.
  scrypt: { log2N: 15, r: 8, p: 1 },
  throttle: { accountFreeFailures: 5, ipFreeFailures: 20, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000, forgetAfterMs: 3_600_000 },
};

function number(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number >= ${min}, got '${raw}'`);
  return n;
}

function trustProxy(raw: string | undefined): string | boolean | number {
  if (raw === undefined || raw === '') return DEFAULT_IDENTITY_SETTINGS.trustProxy;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw; // e.g. "loopback, 10.0.0.0/8"
}

function origins(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((o) => {
      let url: URL;
      try {
        url = new URL(o);
      } catch {
        throw new Error(`SWITCHYARD_CORS_ORIGINS: '${o}' is not an origin like https://console.example.com`);
      }
      if (url.origin === 'null' || url.pathname !== '/' || url.search || url.hash) throw new Error(`SWITCHYARD_CORS_ORIGINS: '${o}' is not an origin like https://console.example.com`);
      return url.origin;
    });
}

export function readIdentitySettings(env: NodeJS.ProcessEnv = process.env): IdentitySettings {
  const d = DEFAULT_IDENTITY_SETTINGS;
  return {
    ...d,
    sessionTtlMs: number(env, 'SWITCHYARD_SESSION_TTL_HOURS', d.sessionTtlMs / 3_600_000, 0.01) * 3_600_000,
    corsOrigins: origins(env.SWITCHYARD_CORS_ORIGINS),
    v1CorsAnyOrigin: env.SWITCHYARD_V1_CORS !== 'off',
    trustProxy: trustProxy(env.SWITCHYARD_TRUST_PROXY),
  };
}

/** Defaults with some fields replaced (tests, embedding). */
export function identitySettings(overrides: Partial<IdentitySettings> = {}, env?: NodeJS.ProcessEnv): IdentitySettings {
  const base = env ? readIdentitySettings(env) : DEFAULT_IDENTITY_SETTINGS;
  return { ...base, ...overrides, throttle: { ...base.throttle, ...overrides.throttle }, scrypt: { ...base.scrypt, ...overrides.scrypt } };
}
