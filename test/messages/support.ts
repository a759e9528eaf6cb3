import Anthropic from '@anthropic-ai/sdk';
import { TEST_ADMIN_KEY, type TestGateway } from '../support/gateway';

/** The official Anthropic client, unchanged, pointed at the gateway (it appends /v1/messages). */
export function anthropicClient(gw: TestGateway, apiKey = TEST_ADMIN_KEY): Anthropic {
  return new Anthropic({ apiKey, baseURL: gw.url, maxRetries: 0 });
}

/** Polls a condition that another process (an emulator, the gateway) makes true soon after. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A 1x1 PNG, so every upstream's image check accepts it. */
export const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** The SDK's error body: `{type: 'error', error: {type, message}}`. */
export function errorType(err: unknown): string | undefined {
  return ((err as { error?: { error?: { type?: string } } })?.error?.error?.type) ?? undefined;
}
