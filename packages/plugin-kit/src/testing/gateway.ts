import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnyPlugin, Logger } from '@switchyard/spec';
// Types only: the server itself is imported when a gateway starts, so suites that never start
// one (the conformance suite) do not load express, knex and the database drivers.
import type { Gateway, GatewayOptions } from '../../../../server/src/gateway';

/** The Switchyard checkout this kit belongs to (its plugins/ folder holds the stock plugins). */
export const SWITCHYARD_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export const PLUGIN_GATEWAY_ADMIN_KEY = 'sy-admin-plugin-test-0123456789';
const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

export interface PluginGatewayOptions {
  /**
   * The plugins under test: plugin objects (registered directly) or plugin folders (paths), which
   * are discovered, validated and imported exactly as the server does with plugins/*.
   */
  plugins?: Array<AnyPlugin | string>;
  /** Providers, credentials and models to start with (the config-file format). */
  config?: GatewayOptions['config'];
  /** Also load the stock plugins of this checkout (token-rates billing, the mock provider...). Default true. */
  stockPlugins?: boolean;
  /** Auth plugins to put in the auth chain after the built-in methods, with their settings. */
  authPlugins?: Array<{ plugin: string; settings?: Record<string, unknown> }>;
  /** Extra environment (e.g. DATABASE_URL for PostgreSQL). */
  env?: Record<string, string>;
  /** Defaults to a silent logger; pass `captureLogs().logger` to assert on log lines. */
  logger?: Logger;
  /** Add the mock provider and its models on the empty database. Default true. */
  seedMock?: boolean;
  /** Watch the plugin folders and reload on change (as SWITCHYARD_PLUGIN_RELOAD=1 does). Default false. */
  pluginReload?: boolean;
}

export interface PluginGateway extends Gateway {
  /** Headers with the admin key. */
  auth: Record<string, string>;
  /** The folder of symlinks the gateway reads its plugins from. */
  pluginDir: string;
  stop(): Promise<void>;
}

export interface CapturedLog {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object | string;
  msg?: string;
}

/** A logger that keeps every line, for tests that check what was logged. */
export function captureLogs(): { logger: Logger; lines: CapturedLog[] } {
  const lines: CapturedLog[] = [];
  const at = (level: CapturedLog['level']) => (obj: object | string, msg?: string) => void lines.push({ level, obj, msg });
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

/**
 * Builds the plugin folder the gateway reads: links to the stock plugins (unless turned off),
 * minus any that is the plugin under test, plus the folders under test.
 */
function linkPluginFolders(target: string, folders: string[], stock: boolean): void {
  const wanted = new Set(folders.map((f) => realpathSync(f)));
  const links = new Map<string, string>();
  if (stock) {
    const base = path.join(SWITCHYARD_ROOT, 'plugins');
    for (const entry of readdirSync(base, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const real = realpathSync(path.join(base, entry.name));
      if (!wanted.has(real)) links.set(entry.name, real);
    }
  }
  for (const real of wanted) {
    let name = path.basename(real);
    while (links.has(name)) name = `${name}-under-test`;
    links.set(name, real);
  }
  mkdirSync(target, { recursive: true });
  for (const [name, real] of links) symlinkSync(real, path.join(target, name), 'dir');
}

/**
 * A real Switchyard gateway on 127.0.0.1 (random port, SQLite in a temp folder unless
 * DATABASE_URL is given) with your plugins loaded. Call `stop()` when done.
 */
export async function startPluginGateway(options: PluginGatewayOptions = {}): Promise<PluginGateway> {
  const [{ createGateway }, { readEnv }, { createLogger }] = await Promise.all([
    import('../../../../server/src/gateway'),
    import('../../../../server/src/config/env'),
    import('../../../../server/src/logger'),
  ]);
  const given = options.plugins ?? [];
  const folders = given.filter((p): p is string => typeof p === 'string');
  const objects = given.filter((p): p is AnyPlugin => typeof p !== 'string');

  const workDir = mkdtempSync(path.join(tmpdir(), 'sy-plugin-gw-'));
  const pluginDir = path.join(workDir, 'plugins');
  try {
    linkPluginFolders(pluginDir, folders, options.stockPlugins !== false);
    const env = readEnv({
      PORT: '0',
      HOST: '127.0.0.1',
      SWITCHYARD_DATA_DIR: path.join(workDir, 'data'),
      SWITCHYARD_ADMIN_KEY: PLUGIN_GATEWAY_ADMIN_KEY,
      SWITCHYARD_MASTER_KEY: MASTER_KEY,
      SWITCHYARD_LOG_LEVEL: 'silent',
      SWITCHYARD_SEED_MOCK: options.seedMock === false ? 'false' : 'true',
      ...options.env,
    });
    const gateway = await createGateway({
      env,
      logger: options.logger ?? createLogger(env.logLevel),
      pluginDirs: [pluginDir],
      plugins: objects,
      config: options.config ?? { providers: [], models: [], pipelines: [] },
      authPlugins: options.authPlugins,
      pluginReload: options.pluginReload ?? false,
    });
    return Object.assign(gateway, {
      auth: { Authorization: `Bearer ${PLUGIN_GATEWAY_ADMIN_KEY}` },
      pluginDir,
      async stop() {
        await gateway.close();
        rmSync(workDir, { recursive: true, force: true });
      },
    });
  } catch (err) {
    rmSync(workDir, { recursive: true, force: true });
    throw err;
  }
}
