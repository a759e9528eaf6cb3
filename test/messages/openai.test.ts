import { startOpenAIEmulator } from '../emulators/openai';
import { describeMessagesAgainst } from './provider-suite';
import { readOpenAI } from './upstream-wire';

const API_KEY = 'sk-test-openai-upstream-0001';

describeMessagesAgainst({
  name: 'openai',
  async start() {
    const emulator = await startOpenAIEmulator({ apiKey: API_KEY });
    return {
      emulator,
      provider: (id) => ({ id, plugin: 'openai', settings: { baseUrl: emulator.openaiUrl }, credentials: [{ name: 'main', secret: { apiKey: API_KEY } }] }),
      upstreamModel: 'gpt-4o-mini',
      close: () => emulator.close(),
    };
  },
  isChat: (r) => r.path.endsWith('/chat/completions'),
  read: (body) => readOpenAI(body as Record<string, unknown>),
  overloadedStatus: 503,
  imageUrls: 'forwarded',
});
