import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readEnv } from '../../server/src/config/env';
import { createGateway } from '../../server/src/gateway';
import { createLogger } from '../../server/src/logger';

/** The system under test: a real gateway in front of the emulator, configured as an operator would. */
const upstream = process.env.UPSTREAM_URL!;
const dataDir = mkdtempSync(path.join(tmpdir(), 'sy-bench-'));
const env = readEnv({
  PORT: '0',
  SWITCHYARD_DATA_DIR: dataDir,
  SWITCHYARD_ADMIN_KEY: process.env.BENCH_KEY ?? 'sy-bench-key',
  SWITCHYARD_MASTER_KEY: Buffer.alloc(32, 3).toString('base64'),
  SWITCHYARD_LOG_LEVEL: 'warn',
  SWITCHYARD_SEED_MOCK: 'false',
});
const gw = await createGateway({
  env,
  logger: createLogger(env.logLevel),
  config: {
    providers: [{ id: 'openai', plugin: 'openai', settings: { baseUrl: upstream }, credentials: [{ name: 'bench', secret: { apiKey: 'sk-bench-upstream' } }] }],
    models: [{ id: 'gpt-4o-mini', provider: 'openai' }],
    pipelines: [],
  },
});
process.stdout.write(`READY ${gw.url}/v1\n`);
process.on('SIGTERM', () => void gw.close().then(() => process.exit(0)));
