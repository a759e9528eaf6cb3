import type { ChatCompletionChunk, ChatCompletionRequest, ProviderCallContext, ProviderInstance } from '@switchyard/plugin-kit';
import { startAnthropicEmulator, type AnthropicEmulator } from '../../../test/emulators/anthropic';
import plugin from '../src/index';

export const API_KEY = 'sk-ant-provider-test-0123456789abcdef';
export const MODEL = 'claude-haiku-4-5-20251001';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** The plugin pointed at a fresh emulator, as the gateway would create it. */
export async function startHarness(settings: Record<string, unknown> = {}): Promise<{ emulator: AnthropicEmulator; provider: ProviderInstance; close(): Promise<void> }> {
  const emulator = await startAnthropicEmulator({ apiKey: API_KEY });
  const provider = plugin.createProvider({ baseUrl: emulator.url, ...settings }, { hostVersion: '0.1.0', logger: silent });
  return {
    emulator,
    provider,
    async close() {
      await provider.close?.();
      await emulator.close();
    },
  };
}

let sequence = 0;
export function callContext(extra: Partial<ProviderCallContext> = {}): ProviderCallContext {
  return { signal: new AbortController().signal, model: MODEL, credential: { apiKey: API_KEY }, requestId: `test-${++sequence}`, ...extra };
}

export function chatRequest(messages: ChatCompletionRequest['messages'] | string, extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest {
  return { model: 'alias', messages: typeof messages === 'string' ? [{ role: 'user', content: messages }] : messages, ...extra };
}

export async function collect(stream: AsyncIterable<ChatCompletionChunk>, into: ChatCompletionChunk[] = []): Promise<ChatCompletionChunk[]> {
  for await (const chunk of stream) into.push(chunk);
  return into;
}
