import { describeProviderConformance } from '@switchyard/plugin-kit/testing';
import { startAnthropicEmulator } from '../../../test/emulators/anthropic';
import plugin from './index';

const apiKey = 'sk-ant-conformance-0123456789abcdef';

type UpstreamBody = { tools?: { name: string; input_schema?: unknown }[]; tool_choice?: { type?: string; name?: string } };

/** JSON output travels as a forced tool whose input schema is the wanted shape (see convert-response-format). */
function forcedJsonTool(body: unknown): { name: string; input_schema?: unknown } | undefined {
  const sent = body as UpstreamBody;
  if (sent?.tool_choice?.type !== 'tool') return undefined;
  return sent.tools?.find((tool) => tool.name === sent.tool_choice?.name);
}

describeProviderConformance({
  name: 'anthropic',
  plugin,
  startEmulator: () => startAnthropicEmulator({ apiKey }),
  settings: (emulator) => ({ baseUrl: emulator.url }),
  credential: { apiKey },
  model: 'claude-haiku-4-5-20251001',
  capabilities: { reasoning: true },
  upstream: {
    jsonObjectMode: (body) => forcedJsonTool(body) !== undefined,
    jsonSchemaMode: (body) => JSON.stringify(forcedJsonTool(body)?.input_schema ?? null).includes('conformance_probe_field'),
  },
});
