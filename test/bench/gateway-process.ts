import { rmSync } from 'node:fs';
import { createGateway } from '../../server/src/gateway';
import { createLogger } from '../../server/src/logger';
import { benchEnv, openaiProvider } from './bench-config';

/** The system under test: a real gateway in front of the emulator, configured as an operator would. */
const { env, dataDir } = benchEnv('sy-bench-');
const gw = await createGateway({
  env,
  logger: createLogger(env.logLevel),
  config: {
    providers: [openaiProvider(process.env.UPSTREAM_URL!)],
    models: [{ id: 'gpt-4o-mini', provider: 'openai' }],
    pipelines: [],
  },
});
process.stdout.write(`READY ${gw.url}/v1\n`);
process.on('SIGTERM', async () => {
  await gw.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
});
