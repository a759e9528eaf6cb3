import { startAnthropicEmulator } from '../emulators/anthropic';
import { describePoolAgainst } from './pool-suite';

await describePoolAgainst({
  name: 'anthropic',
  plugin: 'anthropic',
  async start() {
    const emulator = await startAnthropicEmulator();
    return {
      emulator,
      settings: { baseUrl: emulator.origin },
      good: { apiKey: emulator.apiKey },
      bad: { apiKey: 'sk-ant-pool-revoked-key-0123456789' },
      upstreamModel: 'claude-haiku-4-5-20251001',
      close: () => emulator.close(),
    };
  },
});
