import { readEnv } from './config/env';
import { createGateway } from './gateway';
import { createLogger } from './logger';
import { handleShutdownSignals, shutdownDelayMs, shutdownGraceMs } from './ops/graceful-shutdown';

const env = readEnv();
const logger = createLogger(env.logLevel);

try {
  const gw = await createGateway({ env, logger });
  logger.info({ url: gw.url, database: env.databaseUrl ? 'postgresql' : 'sqlite', dataDir: env.dataDir }, 'switchyard listening');
  // Plain lines for the person who just ran `npm start`.
  const lines = [`\nSwitchyard is listening on ${gw.url}`, `  OpenAI-compatible API: ${gw.url}/v1   (try model "mock-chat")`];
  if (gw.adminKey.created) lines.push(`  Admin key (shown once, saved in ${gw.adminKey.file}): ${gw.adminKey.key}`);
  else if (gw.adminKey.file) lines.push(`  Admin key: in ${gw.adminKey.file}`);
  else lines.push('  Admin key: the value of SWITCHYARD_ADMIN_KEY');
  if (gw.setup) lines.push(`  First run: create the owner account at ${gw.setup.url}  (single use, valid until ${new Date(gw.setup.expiresAt).toISOString()}; a restart prints a new link)`);
  lines.push(`  Try: curl ${gw.url}/v1/chat/completions -H "Authorization: Bearer <admin key>" -H "Content-Type: application/json" -d '{"model":"mock-chat","messages":[{"role":"user","content":"Hello"}]}'\n`);
  process.stdout.write(lines.join('\n') + '\n');

  // SIGTERM/SIGINT: not ready (and, for SWITCHYARD_SHUTDOWN_DELAY_MS, still serving), stop accepting,
  // let requests in flight finish (SWITCHYARD_SHUTDOWN_GRACE_MS), flush, close.
  handleShutdownSignals(gw, { graceMs: shutdownGraceMs(), delayMs: shutdownDelayMs(), logger });
} catch (err) {
  logger.error({ err: (err as Error).message }, 'switchyard failed to start');
  process.exit(1);
}
