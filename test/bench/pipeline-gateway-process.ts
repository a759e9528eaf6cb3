import { rmSync } from 'node:fs';
import { createGateway } from '../../server/src/gateway';
import { createLogger } from '../../server/src/logger';
import { benchEnv, openaiProvider, routedGraph } from './bench-config';

/**
 * The pipeline scenario's gateway: the emulator's model routed directly (`gpt-4o-mini`) and
 * through a pipeline bound to `gpt-4o-mini-routed`: conditional -> fallback (3 targets) -> target.
 */
const { env, dataDir } = benchEnv('sy-bench-pl-');
const gw = await createGateway({
  env,
  logger: createLogger(env.logLevel),
  config: {
    providers: [openaiProvider(process.env.UPSTREAM_URL!)],
    models: [{ id: 'gpt-4o-mini', provider: 'openai' }],
    pipelines: [{ id: 'bench-routed', aliases: ['gpt-4o-mini-routed'], graph: routedGraph('openai', 'gpt-4o-mini', 'gpt-4o-mini') }],
  },
});
process.stdout.write(`READY ${gw.url}/v1\n`);
process.on('SIGTERM', async () => {
  await gw.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
});
