import { GatewayError } from '@switchyard/plugin-kit';

/** Runs `fn` (sync or async) and returns the GatewayError it throws; fails if it throws anything else or nothing. */
export async function gatewayFailure(fn: () => unknown): Promise<GatewayError> {
  let outcome: unknown;
  try {
    await fn();
  } catch (err) {
    outcome = err;
  }
  if (outcome === undefined) throw new Error('expected a GatewayError, but the call succeeded');
  if (!GatewayError.is(outcome)) throw new Error(`expected a GatewayError, got ${String((outcome as Error)?.name)}: ${String((outcome as Error)?.message ?? outcome)}`);
  return outcome;
}
