import type { Logger } from '@switchyard/spec';
import type { Gateway } from '../gateway';
import { drainServer } from './drain-server';

export const DEFAULT_SHUTDOWN_GRACE_MS = 25_000;

/** SWITCHYARD_SHUTDOWN_GRACE_MS: how long requests in flight may take to finish on SIGTERM. */
export function shutdownGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SWITCHYARD_SHUTDOWN_GRACE_MS;
  if (raw === undefined || raw === '') return DEFAULT_SHUTDOWN_GRACE_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`SWITCHYARD_SHUTDOWN_GRACE_MS must be a whole number of milliseconds, got '${raw}'`);
  return ms;
}

/**
 * SWITCHYARD_SHUTDOWN_DELAY_MS: how long, on SIGTERM, the instance keeps accepting requests with
 * /readyz answering 503 before it stops listening, so load balancers that probe readiness take
 * it out of rotation first (default 0: stop listening at once).
 */
export function shutdownDelayMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SWITCHYARD_SHUTDOWN_DELAY_MS;
  if (raw === undefined || raw === '') return 0;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`SWITCHYARD_SHUTDOWN_DELAY_MS must be a whole number of milliseconds, got '${raw}'`);
  return ms;
}

/**
 * The orderly stop: /readyz answers 503 from the first moment (after `delayMs`, if any, of still
 * serving), then no new connections, requests in flight finish (up to the grace period), then
 * the gateway closes (usage events written, buffers flushed, database and Redis closed).
 */
export async function shutDownGateway(gw: Gateway, options: { graceMs: number; delayMs?: number; logger: Logger; signal?: string }): Promise<void> {
  const { logger } = options;
  gw.startDraining();
  if (options.delayMs) {
    logger.info({ signal: options.signal, delayMs: options.delayMs }, 'shutting down: not ready any more, still serving until the delay is over');
    await new Promise((resolve) => setTimeout(resolve, options.delayMs));
  }
  logger.info({ signal: options.signal, graceMs: options.graceMs }, 'shutting down: finishing requests in flight');
  const drained = gw.server ? await drainServer(gw.server, options.graceMs) : { forced: false };
  if (drained.forced) logger.warn({ graceMs: options.graceMs }, 'shutdown grace period over: cut the connections still open');
  await gw.close();
  logger.info('shut down');
}

/**
 * SIGTERM / SIGINT handling for main.ts. A second signal while draining exits at once.
 */
export function handleShutdownSignals(gw: Gateway, options: { graceMs: number; delayMs?: number; logger: Logger; exit?: (code: number) => void }): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) {
      options.logger.warn({ signal }, 'second signal: exiting without waiting');
      exit(1);
      return;
    }
    stopping = true;
    shutDownGateway(gw, { ...options, signal }).then(
      () => exit(0),
      (err: Error) => {
        options.logger.error({ err: err.message }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}
