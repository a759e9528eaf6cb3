import { readEnv } from '../../server/src/config/env';
import { createGateway } from '../../server/src/gateway';
import { createLogger } from '../../server/src/logger';

/**
 * A gateway process, configured from the environment as `npm start` is, that kills itself with
 * SIGKILL right after an attempt of a request whose id starts with `crash-` was settled: after
 * billing committed the charge (its afterAttempt runs first) and before the request's usage event.
 * That is the window a kill -9 can land in by chance (kill-instance.test.ts), hit on purpose.
 */
const env = readEnv();
const gw = await createGateway({
  env,
  logger: createLogger(env.logLevel),
  hooks: [
    {
      afterAttempt(start) {
        if (start.requestId.startsWith('crash-')) process.kill(process.pid, 'SIGKILL');
      },
    },
  ],
});
process.stdout.write(`listening on ${gw.url}\n`);
process.on('SIGTERM', () => {
  void gw.close().then(() => process.exit(0));
});
