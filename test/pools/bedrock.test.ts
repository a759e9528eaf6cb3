import { startBedrockEmulator } from '../emulators/bedrock';
import { describePoolAgainst } from './pool-suite';

await describePoolAgainst({
  name: 'bedrock',
  plugin: 'bedrock',
  // The plugin reads AWS's credential refusals (UnrecognizedClientException and the like) as 403.
  refusedAs: 403,
  async start() {
    const emulator = await startBedrockEmulator();
    const { accessKeyId, secretAccessKey } = emulator.credentials;
    return {
      emulator,
      settings: { region: emulator.region, endpoint: emulator.url },
      good: { accessKeyId, secretAccessKey },
      // SigV4 with an unknown access key: the emulator refuses it with 403 UnrecognizedClientException.
      bad: { accessKeyId: 'AKIAPOOLTESTREVOKED01', secretAccessKey: 'not-the-secret-for-this-key' },
      upstreamModel: 'anthropic.claude-3-haiku-20240307-v1:0',
      close: () => emulator.close(),
    };
  },
});
