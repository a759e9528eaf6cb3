import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readEnv } from '../../server/src/config/env';
import { createGateway } from '../../server/src/gateway';
import { createLogger } from '../../server/src/logger';

/**
 * The pipeline scenario's gateway: the emulator's model routed directly (`gpt-4o-mini`) and
 * through a pipeline bound to `gpt-4o-mini-routed`: conditional -> fallback (3 targets) -> target.
 */
const upstream = process.env.UPSTREAM_URL!;
const dataDir = mkdtempSync(path.join(tmpdir(), 'sy-bench-pl-'));
const env = readEnv({
  PORT: '0',
  SWITCHYARD_DATA_DIR: dataDir,
  SWITCHYARD_ADMIN_KEY: process.env.BENCH_KEY ?? 'sy-bench-key',
  SWITCHYARD_MASTER_KEY: Buffer.alloc(32, 3).toString('base64'),
  SWITCHYARD_LOG_LEVEL: 'warn',
  SWITCHYARD_SEED_MOCK: 'false',
});

const target = (id: string) => ({ id, type: 'target', typeVersion: 1, params: { provider: 'openai', model: 'gpt-4o-mini' } });
const routed = {
  schemaVersion: 1,
  nodes: [
    { id: 'route', type: 'conditional', typeVersion: 1, params: { rules: [{ id: 'mini', when: 'model startsWith "gpt-4o-mini"' }] } },
    { id: 'fb', type: 'fallback', typeVersion: 1, params: { branches: [{ id: 'first' }, { id: 'second' }, { id: 'third' }] } },
    target('t1'),
    target('t2'),
    target('t3'),
    target('other'),
  ],
  edges: [
    { source: 'route', sourceHandle: 'mini', target: 'fb', targetHandle: 'in' },
    { source: 'route', sourceHandle: 'default', target: 'other', targetHandle: 'in' },
    { source: 'fb', sourceHandle: 'first', target: 't1', targetHandle: 'in' },
    { source: 'fb', sourceHandle: 'second', target: 't2', targetHandle: 'in' },
    { source: 'fb', sourceHandle: 'third', target: 't3', targetHandle: 'in' },
  ],
};

const gw = await createGateway({
  env,
  logger: createLogger(env.logLevel),
  config: {
    providers: [{ id: 'openai', plugin: 'openai', settings: { baseUrl: upstream }, credentials: [{ name: 'bench', secret: { apiKey: 'sk-bench-upstream' } }] }],
    models: [{ id: 'gpt-4o-mini', provider: 'openai' }],
    pipelines: [{ id: 'bench-routed', aliases: ['gpt-4o-mini-routed'], graph: routed }],
  },
});
process.stdout.write(`READY ${gw.url}/v1\n`);
process.on('SIGTERM', () => void gw.close().then(() => process.exit(0)));
