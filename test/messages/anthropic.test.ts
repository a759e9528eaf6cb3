import { startAnthropicEmulator } from '../emulators/anthropic';
import { describeMessagesAgainst } from './provider-suite';
import { readAnthropic } from './upstream-wire';

describeMessagesAgainst({
  name: 'anthropic',
  async start() {
    const emulator = await startAnthropicEmulator();
    return {
      emulator,
      provider: (id) => ({ id, plugin: 'anthropic', settings: { baseUrl: emulator.origin }, credentials: [{ name: 'main', secret: { apiKey: emulator.apiKey } }] }),
      upstreamModel: 'claude-haiku-4-5-20251001',
      close: () => emulator.close(),
    };
  },
  isChat: (r) => r.path === '/v1/messages',
  read: (body) => readAnthropic(body as Record<string, unknown>),
  overloadedStatus: 529,
  imageUrls: 'forwarded',
});
