import { startBedrockEmulator } from '../emulators/bedrock';
import { describeMessagesAgainst } from './provider-suite';
import { readBedrock } from './upstream-wire';

describeMessagesAgainst({
  name: 'bedrock',
  async start() {
    const emulator = await startBedrockEmulator();
    const { accessKeyId, secretAccessKey } = emulator.credentials;
    return {
      emulator,
      provider: (id) => ({ id, plugin: 'bedrock', settings: { region: emulator.region, endpoint: emulator.url }, credentials: [{ name: 'main', secret: { accessKeyId, secretAccessKey } }] }),
      upstreamModel: 'anthropic.claude-sonnet-4-20250514-v1:0',
      close: () => emulator.close(),
    };
  },
  isChat: (r) => /\/converse(-stream)?$/.test(r.path),
  read: (body) => readBedrock(body as Record<string, unknown>),
  overloadedStatus: 503,
  // Bedrock takes image bytes only; the plugin downloads URLs and refuses private addresses.
  imageUrls: 'downloaded',
});
