import type { PluginRegistry } from '@switchyard/core';
import type { AuthMethod, Logger } from '@switchyard/spec';
import type { Db } from '../db/connect';
import { ApiKeyService } from './api-keys';
import { AuditLog } from './audit/audit-log';
import { LocalInvalidationBus, type InvalidationBus } from './invalidation-bus';
import { LoginThrottle } from './login-throttle';
import { sessionAuth } from './session-auth';
import { SessionService } from './sessions';
import { SetupService } from './setup';
import type { IdentitySettings } from './settings';
import { UserService } from './users';

export type { AuditActor, AuditEntry, AuditFilter, AuditInput, AuditVerification } from './audit/audit-log';
export { actorFromPrincipal, auditContext } from './audit/context';
export { SYSTEM_ACTOR } from './audit/audit-log';
export type { IdentitySettings } from './settings';

/** Everything identity and access offers the rest of the server. */
export interface Identity {
  settings: IdentitySettings;
  bus: InvalidationBus;
  users: UserService;
  sessions: SessionService;
  apiKeys: ApiKeyService;
  audit: AuditLog;
  throttle: LoginThrottle;
  setup: SetupService;
  /** Host services handed to auth plugins as `ctx.services`. */
  services: { apiKeys: ApiKeyService; users: UserService; sessions: SessionService; audit: AuditLog };
  close(): Promise<void>;
}

export function createIdentity(options: { db: Db; logger: Logger; settings: IdentitySettings; bus?: InvalidationBus }): Identity {
  const { db, logger, settings } = options;
  const bus = options.bus ?? new LocalInvalidationBus();
  const users = new UserService(db, bus, settings.scrypt, logger);
  const sessions = new SessionService(db, bus, { ttlMs: settings.sessionTtlMs, cacheTtlMs: settings.sessionCacheTtlMs });
  const apiKeys = new ApiKeyService(db, bus, { cacheTtlMs: settings.keyCacheTtlMs, lastUsedFlushMs: settings.lastUsedFlushMs, logger });
  const audit = new AuditLog(db, logger);
  // Expired sessions are refused anyway; this only keeps the table small.
  const purge = setInterval(() => {
    sessions.purgeExpired().catch((err: Error) => logger.warn({ err: err.message }, 'could not purge expired sessions'));
  }, 3_600_000);
  purge.unref();
  return {
    settings,
    bus,
    users,
    sessions,
    apiKeys,
    audit,
    throttle: new LoginThrottle(settings.throttle),
    setup: new SetupService(db, users, settings.setupTokenTtlMs),
    services: { apiKeys, users, sessions, audit },
    async close() {
      clearInterval(purge);
      await apiKeys.close();
    },
  };
}

/**
 * The auth chain entries that follow the admin key: the api-key auth plugin (given the host's
 * services) and then the console session cookie. A missing or failing plugin is logged, and the
 * server runs without API keys rather than not at all.
 */
export function identityAuthMethods(identity: Identity, registry: PluginRegistry, logger: Logger): Array<{ id: string; method: AuthMethod }> {
  const methods: Array<{ id: string; method: AuthMethod }> = [];
  const plugin = registry.get('auth', 'api-key');
  if (!plugin) {
    logger.warn('the api-key auth plugin is not loaded: API keys cannot be used (see GET /api/plugins)');
  } else {
    try {
      methods.push({ id: 'api-key', method: plugin.createAuth({}, { hostVersion: registry.hostVersion, logger, services: identity.services }) });
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'the api-key auth plugin failed to start: API keys cannot be used');
    }
  }
  methods.push({ id: 'session', method: sessionAuth(identity.sessions) });
  return methods;
}
