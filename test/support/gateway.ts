import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AnyPlugin } from '@switchyard/spec';
import { readEnv } from '../../server/src/config/env';
import type { ConfigFile } from '../../server/src/config/config-file';
import { createGateway, type Gateway } from '../../server/src/gateway';
import type { GatewayHooks } from '../../server/src/dispatch/hooks';
import { createLogger } from '../../server/src/logger';
import type { Backend } from './backends';
import { createTempDatabase } from './postgres';

export const TEST_ADMIN_KEY = 'sy-admin-test-key-0123456789';
export const TEST_MASTER_KEY = Buffer.alloc(32, 42).toString('base64');

export interface TestGateway extends Gateway {
  dataDir: string;
  /** Headers with the admin key. */
  auth: Record<string, string>;
  stop(): Promise<void>;
}

/** A real gateway on a random port, with its own data dir and (for postgres) its own database. */
export async function startTestGateway(options: { backend?: Backend; config?: ConfigFile; env?: Record<string, string>; plugins?: AnyPlugin[]; seedMock?: boolean; hooks?: GatewayHooks[] } = {}): Promise<TestGateway> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sy-test-'));
  const tempDb = options.backend === 'postgres' ? await createTempDatabase() : undefined;
  const env = readEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_CONFIG: '',
    SWITCHYARD_ADMIN_KEY: TEST_ADMIN_KEY,
    SWITCHYARD_MASTER_KEY: TEST_MASTER_KEY,
    SWITCHYARD_LOG_LEVEL: 'silent',
    SWITCHYARD_SEED_MOCK: options.seedMock === false ? 'false' : 'true',
    ...(tempDb ? { DATABASE_URL: tempDb.url } : {}),
    ...options.env,
  });
  // No config file unless given: a developer's ./switchyard.config.yaml must not leak into tests.
  env.configFile = path.join(dataDir, 'none.yaml');
  const gw = await createGateway({ env, logger: createLogger(env.logLevel), config: options.config ?? { providers: [], models: [], pipelines: [] }, plugins: options.plugins, hooks: options.hooks });
  return Object.assign(gw, {
    dataDir,
    auth: { Authorization: `Bearer ${TEST_ADMIN_KEY}` },
    async stop() {
      await gw.close();
      await tempDb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
