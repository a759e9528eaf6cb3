import { startOpenAIEmulator } from '../emulators/openai';
import { describePoolAgainst } from './pool-suite';

const KEY = 'sk-test-pool-openai-good-0001';

await describePoolAgainst({
  name: 'openai',
  plugin: 'openai',
  async start() {
    const emulator = await startOpenAIEmulator({ apiKey: KEY });
    return { emulator, settings: { baseUrl: emulator.openaiUrl }, good: { apiKey: KEY }, bad: { apiKey: 'sk-test-pool-openai-revoked-0002' }, upstreamModel: 'gpt-4o-mini', close: () => emulator.close() };
  },
});
