import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { activeConditions, createAuthMethods, HOST_VERSION, loadPlugins, PluginRegistry, pluginReloadRequested, watchPlugins, type EnabledAuthPlugin, type PluginReloadEvent } from '@switchyard/core';
import type { AnyPlugin, Logger } from '@switchyard/spec';
import type { Express } from 'express';
import { adminKeyAuth } from './auth/admin-key';
import { resolveAdminKey } from './auth/admin-key-file';
import { AuthChain } from './auth/auth-chain';
import { BillingService } from './billing/billing-service';
import { modelExtras } from './billing/model-pricing';
import { Catalog } from './catalog/catalog';
import { applyConfig } from './config/apply-config';
import { loadConfigFile, type ConfigFile } from './config/config-file';
import type { ServerEnv } from './config/env';
import { openDatabase, type Db } from './db/connect';
import { Dispatcher } from './dispatch/dispatcher';
import { combineHooks, type GatewayHooks } from './dispatch/hooks';
import { createApp, requestListener, type AppDeps } from './http/app';
import { withBodyTimeout } from './http/body-timeout';
import { answerClientErrors } from './http/client-error';
import { httpServerOptions } from './http/http-timeouts';
import { createIdentity, identityAuthMethods, SYSTEM_ACTOR, type Identity } from './identity';
import { identitySettings, type IdentitySettings } from './identity/settings';
import { createLogger } from './logger';
import { PipelineService } from './pipelines/pipeline-service';
import { CredentialRepo } from './repos/credentials';
import { ModelRepo } from './repos/models';
import { ProviderRepo } from './repos/providers';
import { createOAuth, oauthAuthMethods, type OAuth } from './oauth';
import { seedMockProvider } from './seed';
import { attachRequestLog, requestLogEnabled } from './ops/request-log';
import { startScaleOut } from './scale/scale-out';
import { createObservability, type Observability } from './usage/observability';
import { newInstanceId } from './usage/usage-services';
import { chargeNotice } from './usage/charge-notice';
import { KEY_FILE_NAME, loadKeyring } from './vault/keyring';
import { watchKeyFile } from './vault/rotate';
import { Vault, VaultError } from './vault/vault';
import { installRoot } from './install-root';
// @ts-expect-error: a plain ES module shared with the launchers, no type declarations
import { COMPILED_CONDITION } from './cli/node-flags.mjs';

const READY_TIMEOUT_MS = 3000;

function answersWithin(query: PromiseLike<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const answered = Promise.resolve(query).then(
    () => true,
    () => false,
  );
  return Promise.race([answered, late]).finally(() => clearTimeout(timer));
}

/**
 * Plugin reload re-imports a plugin from its sources; the compiled build imports each plugin's
 * dist/, which an edit does not change. So a compiled server says how to get reloads instead.
 */
function reloadableHere(logger: Logger): boolean {
  if (!activeConditions().has(COMPILED_CONDITION)) return true;
  logger.warn('plugin reload needs the sources: run `npm run dev` (the compiled build does not watch plugins)');
  return false;
}

export const REPO_ROOT = installRoot(path.dirname(fileURLToPath(import.meta.url)));

export interface GatewayOptions {
  env: ServerEnv;
  logger?: Logger;
  /** Folders searched for plugin packages (default: <repo>/plugins). */
  pluginDirs?: string[];
  /** Plugins registered directly (tests, embedding). */
  plugins?: AnyPlugin[];
  /** Use this config instead of reading env.configFile. */
  config?: ConfigFile;
  /** SQLite file override (tests). */
  sqliteFile?: string;
  /** Start listening (default true). */
  listen?: boolean;
  /** Extra request-path hooks (tests, embedding). */
  hooks?: GatewayHooks[];
  /** Identity and security settings over those from the environment (tests, embedding). */
  identity?: Partial<IdentitySettings>;
  /** Auth plugins used after the built-in methods, in order, with their settings. */
  authPlugins?: EnabledAuthPlugin[];
  /** Reload local plugins when their files change (default: NODE_ENV=development or SWITCHYARD_PLUGIN_RELOAD=1). */
  pluginReload?: boolean;
}

export interface Gateway {
  app: Express;
  server?: Server;
  url: string;
  db: Db;
  registry: PluginRegistry;
  catalog: Catalog;
  vault: Vault;
  repos: { providers: ProviderRepo; credentials: CredentialRepo; models: ModelRepo };
  logger: Logger;
  adminKey: { key: string; file?: string; created: boolean };
  /** Usage recording, analytics, metrics (and the circuit-state gauge), live feed. */
  observability: Observability;
  /** The auth chain (admin key first, then auth methods). */
  authChain: AuthChain;
  /** Prices, credit ledger, budgets, billing rules. */
  billing: BillingService;
  /** Users, sessions, API keys and the audit log (`identity.audit.record(...)`). */
  identity: Identity;
  /** Routing pipelines: drafts, versions, bindings, the running versions. */
  pipelines: PipelineService;
  /** OAuth 2.0 authorization server: clients, codes, tokens. */
  oauth: OAuth;
  /** First run only (no owner yet): the one-time setup link, for main.ts to print. Never logged. */
  setup?: { url: string; token: string; expiresAt: number };
  /** Shutting down: /readyz answers 503 from now on, while requests are still served. */
  startDraining(): void;
  close(): Promise<void>;
}

/** Builds the whole server: storage, vault, plugins, catalog, auth and the HTTP app. */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { env } = options;
  const logger = options.logger ?? createLogger(env.logLevel);

  const keyring = loadKeyring({ masterKey: env.masterKey, dataDir: env.dataDir, logger });
  const vault = new Vault(keyring);
  // Key file users rotate with `npm run vault:rotate`; the server follows the file's new versions.
  const stopKeyWatch = env.masterKey ? undefined : watchKeyFile(path.join(env.dataDir, KEY_FILE_NAME), keyring, (v) => logger.info({ version: v }, 'vault: master key file reloaded'));
  const db = await openDatabase({ databaseUrl: env.databaseUrl, dataDir: env.dataDir, sqliteFile: options.sqliteFile });
  let billing: BillingService | undefined;
  let scale: Awaited<ReturnType<typeof startScaleOut>> | undefined;
  try {
    const registry = new PluginRegistry(HOST_VERSION, logger);
    const pluginDirs = options.pluginDirs ?? [path.join(REPO_ROOT, 'plugins')];
    await loadPlugins(registry, { pluginDirs, packageJsonPath: path.join(REPO_ROOT, 'package.json') });
    for (const p of options.plugins ?? []) registry.register(p, { packageName: '(embedded)' });

    const repos = { providers: new ProviderRepo(db), credentials: new CredentialRepo(db, vault), models: new ModelRepo(db) };
    // Several instances (REDIS_URL): shared pipeline state and change notices over Redis.
    scale = env.redisUrl ? await startScaleOut({ redisUrl: env.redisUrl, prefix: process.env.SWITCHYARD_REDIS_PREFIX || 'switchyard', logger }) : undefined;
    const identity = createIdentity({ db, logger, settings: identitySettings(options.identity, process.env), bus: scale?.identityBus });
    const oauth = createOAuth(db, identity);
    const config = options.config ?? loadConfigFile(env.configFile, env.configFileExplicit);
    if (config) await applyConfig(config, repos);
    if (config && (config.providers.length > 0 || config.models.length > 0)) {
      // Ids only: the file's credentials carry secrets.
      await identity.audit.recordQuietly({ actor: SYSTEM_ACTOR, action: 'config.apply', target: { type: 'config', id: path.basename(env.configFile) }, details: { providers: config.providers.map((p) => p.id), models: config.models.map((m) => m.id) } });
    }
    if (env.seedMock && (await seedMockProvider(repos))) logger.info('empty database: added the mock provider (models mock-chat, mock-embed, mock-image)');

    const catalog = new Catalog({ registry, ...repos, logger, hostVersion: HOST_VERSION });
    try {
      await catalog.reload();
    } catch (err) {
      if (err instanceof VaultError) {
        throw new Error(`refusing to start: stored credentials cannot be decrypted with the configured master key (${err.message}). Set SWITCHYARD_MASTER_KEY to the key they were written with.`);
      }
      throw err;
    }

    const adminKey = resolveAdminKey(env.adminKey, env.dataDir);
    const auth = new AuthChain();
    const authMethods = () => [{ id: 'admin-key', method: adminKeyAuth(adminKey.key) }, ...identityAuthMethods(identity, registry, logger), ...oauthAuthMethods(oauth, identity, registry, logger), ...createAuthMethods(registry, options.authPlugins ?? config?.auth ?? [], { logger, services: identity.services })];
    auth.set(authMethods());
    await identity.sessions.purgeExpired();

    const instanceId = newInstanceId();
    billing = await BillingService.start({ db, registry, catalog, logger, instanceId, dataDir: env.dataDir });
    const billingService = billing;
    // Starter credits for each new user while sign-up is open (billing decides; identity creates users).
    const createUser = identity.users.create.bind(identity.users);
    identity.users.create = async (input) => {
      const user = await createUser(input);
      await billingService.onUserCreated(user.id).catch((err: Error) => logger.error({ err: err.message, user: user.id }, 'billing: could not grant starter credits'));
      return user;
    };

    // Billing first: it writes cost and charge onto each attempt before others read it.
    const observability = createObservability({ db, logger, redisUrl: env.redisUrl, dataDir: env.dataDir, instanceId, pendingCharges: () => billingService.leases.pendingCharges });
    // A charge committed ahead of its answer goes into the usage journal first (usage/charge-notice.ts).
    billing.events.on('settling', (charge) => observability.usage.recorder.noteCharge(chargeNotice(charge)));
    const hooks = combineHooks([billing.hooks, ...(options.hooks ?? []), observability.hooks]);
    const pipelines = await PipelineService.start(
      {
        db,
        plugins: registry,
        catalog,
        logger,
        hooks,
        billing: { priceOf: (p, m) => billingService.priceOf(p, m), checkBudget: (check) => billingService.checkBudget(check) },
        circuitReporter: observability.metrics,
        audit: identity.audit,
        stores: scale?.stores,
      },
      config?.pipelines ?? [],
    );
    scale?.followCatalog(catalog);
    scale?.followPipelines(pipelines);
    scale?.followBilling(billingService);
    const dispatcher = new Dispatcher(catalog, pipelines.dispatch, env.streamIdleTimeoutMs);
    let draining = false;
    const appDeps: AppDeps = {
      hooks,
      logger,
      auth,
      catalog,
      dispatcher,
      pipelines,
      registry,
      ...repos,
      bodyLimit: env.bodyLimit,
      observability,
      billing,
      modelExtras: (m) => modelExtras(catalog, (p, u) => billingService.priceFor(p, u), m),
      consoleDir: path.join(REPO_ROOT, 'web/dist'),
      identity,
      oauth,
      // Not ready while the database does not answer within a few seconds (a probe must not hang).
      ready: () => answersWithin(db.raw('select 1'), READY_TIMEOUT_MS),
      draining: () => draining,
    };
    const app = createApp(appDeps);

    let server: Server | undefined;
    let url = '';
    if (options.listen !== false) {
      // Slow clients are bounded: headers, whole request, and pauses in a body (docs/configuration.md).
      server = createServer(httpServerOptions(env.httpTimeouts), withBodyTimeout(requestListener(app, appDeps), env.httpTimeouts.bodyIdleMs));
      answerClientErrors(server);
      server.listen(env.port, env.host);
      await once(server, 'listening');
      server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout
      const addr = server.address() as AddressInfo;
      url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
      await observability.attachLiveFeed(server, auth, identity.settings.corsOrigins);
      if (requestLogEnabled()) attachRequestLog(server, logger);
    }

    const setupToken = await identity.setup.issueToken();
    const setup = setupToken && { url: `${url}/setup?token=${setupToken.token}`, ...setupToken };
    if (setup) logger.info({ expiresAt: new Date(setup.expiresAt).toISOString() }, 'first run: no owner account yet; open the setup link printed on the console');

    // Development: local plugins reload when their files change. The catalog and the auth chain are
    // rebuilt; node types and billing rules follow the registry by themselves.
    const onPluginReload = async (e: PluginReloadEvent) => {
      await catalog.reload();
      if ([...e.before, ...e.after].some((p) => p.kind === 'auth')) auth.set(authMethods());
    };
    const reloader = (options.pluginReload ?? pluginReloadRequested(process.env)) && reloadableHere(logger) ? await watchPlugins(registry, { pluginDirs, logger, onReload: onPluginReload }) : undefined;

    return {
      app,
      server,
      url,
      db,
      registry,
      catalog,
      vault,
      repos,
      logger,
      adminKey,
      authChain: auth,
      billing,
      observability,
      identity,
      pipelines,
      oauth,
      setup,
      startDraining: () => {
        draining = true;
      },
      async close() {
        await reloader?.close();
        await observability.closeLiveFeed();
        if (server) {
          server.closeIdleConnections();
          await new Promise<void>((resolve) => server!.close(() => resolve()));
        }
        await billingService.close();
        await pipelines.close(); // frees script isolates
        await catalog.close();
        await observability.close(); // writes the queued usage events
        await identity.close(); // writes the buffered key last-used times
        await db.destroy();
        await scale?.close();
        stopKeyWatch?.();
      },
    };
  } catch (err) {
    billing?.stop();
    stopKeyWatch?.();
    await db.destroy();
    await scale?.close();
    throw err;
  }
}
