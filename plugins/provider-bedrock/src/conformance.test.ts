import { describeProviderConformance } from '@switchyard/plugin-kit/testing';
import { startBedrockEmulator, type BedrockEmulator } from '../../../test/emulators/bedrock';
import plugin from './index';

const credentials = { accessKeyId: 'AKIACONFORMANCE00001', secretAccessKey: 'conformance-secret-key-0123456789abcdef' };

/** The forced tool that carries response_format JSON on Bedrock (see tools.ts). */
function forcedTool(body: unknown): { name: string; schema: unknown } | undefined {
  const config = (body as { toolConfig?: { tools?: { toolSpec: { name: string; inputSchema: { json: unknown } } }[]; toolChoice?: { tool?: { name: string } } } }).toolConfig;
  const name = config?.toolChoice?.tool?.name;
  const spec = config?.tools?.find((t) => t.toolSpec.name === name)?.toolSpec;
  return name && spec ? { name, schema: spec.inputSchema.json } : undefined;
}

describeProviderConformance({
  name: 'bedrock',
  plugin,
  startEmulator: () => startBedrockEmulator({ credentials, region: 'eu-west-1' }),
  settings: (emulator) => ({
    region: (emulator as BedrockEmulator).region,
    endpoint: emulator.url,
    // The conformance relay serves its probe image from 127.0.0.1.
    imageUrls: 'any',
    models: ['anthropic.claude-3-5-haiku-20241022-v1:0', 'amazon.titan-embed-text-v2:0', 'amazon.nova-canvas-v1:0'],
  }),
  credential: credentials,
  model: 'anthropic.claude-3-5-haiku-20241022-v1:0',
  embeddingModel: 'amazon.titan-embed-text-v2:0',
  imageModel: 'amazon.nova-canvas-v1:0',
  // Bedrock's usage has no separate reasoning token count (reasoning is inside outputTokens).
  capabilities: { reasoning: true, reasoningTokens: false, embeddings: true, images: true },
  upstream: {
    jsonObjectMode: (body) => forcedTool(body)?.name === 'json_response',
    jsonSchemaMode: (body, schemaName) => {
      const tool = forcedTool(body);
      return tool?.name === schemaName && JSON.stringify(tool.schema).includes('conformance_probe_field');
    },
  },
});
