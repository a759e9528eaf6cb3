import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { GatewayError } from '@switchyard/plugin-kit';
import { loadBedrockSdk } from './sdk';

export interface InvokeResult {
  body: Record<string, unknown>;
  /** From Bedrock's X-Amzn-Bedrock-Input-Token-Count response header, when present. */
  inputTokens?: number;
}

/**
 * One InvokeModel call with a JSON body (the model family's native format). The token count
 * travels in a response header the SDK does not surface, so a deserialize-step middleware
 * on this one command reads it.
 */
export async function invokeJson(client: BedrockRuntimeClient, modelId: string, body: Record<string, unknown>, signal: AbortSignal): Promise<InvokeResult> {
  const { InvokeModelCommand } = await loadBedrockSdk();
  const command = new InvokeModelCommand({
    modelId,
    contentType: 'application/json',
    accept: 'application/json',
    body: new TextEncoder().encode(JSON.stringify(body)),
  });
  let inputTokens: number | undefined;
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const headers = (result.response as { headers?: Record<string, string> }).headers ?? {};
      const count = Number(headers['x-amzn-bedrock-input-token-count']);
      if (Number.isFinite(count)) inputTokens = count;
      return result;
    },
    { step: 'deserialize', name: 'switchyardBedrockTokenCount' },
  );
  const output = await client.send(command, { abortSignal: signal });
  const text = new TextDecoder().decode(output.body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new GatewayError({ status: 502, type: 'upstream_error', code: 'bad_upstream_response', message: 'bedrock: InvokeModel returned a body that is not JSON.', retryable: true });
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new GatewayError({ status: 502, type: 'upstream_error', code: 'bad_upstream_response', message: 'bedrock: InvokeModel returned an unexpected body.', retryable: true });
  }
  return { body: parsed as Record<string, unknown>, inputTokens };
}

export function badUpstream(what: string): GatewayError {
  return new GatewayError({ status: 502, type: 'upstream_error', code: 'bad_upstream_response', message: `bedrock: ${what}`, retryable: true });
}

/** Runs `task` over `items` with at most `limit` in flight, keeping results in input order. */
export async function mapLimited<T, R>(items: T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i], i);
    }
  });
  await Promise.all(workers);
  return results;
}
