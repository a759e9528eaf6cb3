import { startGeminiEmulator } from '../emulators/gemini';
import { describePoolAgainst } from './pool-suite';

const KEY = 'AIzaPoolTestGoodKey0123456789abcdefgh';

await describePoolAgainst({
  name: 'gemini',
  plugin: 'gemini',
  async start() {
    const emulator = await startGeminiEmulator({ apiKey: KEY });
    // Google answers a wrong key with 400 API_KEY_INVALID, which the plugin reports as a 401.
    return { emulator, settings: { baseUrl: emulator.origin }, good: { apiKey: KEY }, bad: { apiKey: 'AIzaPoolTestRevokedKey9876543210zyxw' }, upstreamModel: 'gemini-2.0-flash', close: () => emulator.close() };
  },
});
