import { startGeminiEmulator } from '../emulators/gemini';
import { describeMessagesAgainst } from './provider-suite';
import { readGemini } from './upstream-wire';

const API_KEY = 'AIzaTestGeminiUpstreamKey0123456789';

describeMessagesAgainst({
  name: 'gemini',
  async start() {
    const emulator = await startGeminiEmulator({ apiKey: API_KEY });
    return {
      emulator,
      provider: (id) => ({ id, plugin: 'gemini', settings: { baseUrl: emulator.origin }, credentials: [{ name: 'main', secret: { apiKey: API_KEY } }] }),
      upstreamModel: 'gemini-2.5-flash',
      close: () => emulator.close(),
    };
  },
  isChat: (r) => /:(stream)?generateContent$/i.test(r.path),
  read: (body) => readGemini(body as Record<string, unknown>),
  overloadedStatus: 503,
  imageUrls: 'forwarded',
});
