import { packageJson, readme, vitestConfig, type TemplateFiles, type TemplateInput } from './common';

/** A provider for an OpenAI-compatible vendor: the most common new provider, and the shortest. */
export function providerTemplate(input: TemplateInput): TemplateFiles {
  return {
    'package.json': packageJson(input, `Switchyard provider plugin: ${input.title}`, {
      '@switchyard/provider-openai': '0.1.0',
      '@switchyard/provider-openai-compatible': '0.1.0',
    }),
    'vitest.config.ts': vitestConfig,
    'src/index.ts': `import { defineOpenAICompatibleProvider } from '@switchyard/plugin-kit/openai-compatible';

/**
 * ${input.title}: a vendor that speaks OpenAI's API. Translation, streaming, error mapping and
 * aborts come from the openai-compatible base; describe here only what differs.
 */
export default defineOpenAICompatibleProvider({
  id: '${input.name}',
  name: '${input.title}',
  version: '0.1.0',
  hostRange: '${input.hostRange}',
  description: 'Chat completions through ${input.title}’s OpenAI-compatible API.',
  // The vendor's OpenAI-compatible endpoint; operators can change it in the provider's settings.
  baseUrl: 'https://api.${input.name}.example/v1',
  // Differences from OpenAI, as data: max_tokens only, no reasoning_content in requests...
  quirks: {},
  // Set embeddings/images to true when the vendor has them; pass listModels for a non-OpenAI model list.
  endpoints: { embeddings: false, images: false, models: true },
});
`,
    'src/conformance.test.ts': `import { describeProviderConformance, startOpenAIEmulator } from '@switchyard/plugin-kit/testing';
import plugin from './index';

const apiKey = 'sk-conformance-${input.name}-0123456789';

// The shared provider conformance suite, against an emulator of the OpenAI wire format (what this
// vendor speaks). Turn capabilities on as the plugin gains them (embeddings, images, n, reasoning).
describeProviderConformance({
  name: '${input.name}',
  plugin,
  startEmulator: () => startOpenAIEmulator({ apiKey }),
  settings: (emulator) => ({ baseUrl: emulator.url }),
  credential: { apiKey },
  model: '${input.name}-chat-model',
  capabilities: { n: true, reasoning: true },
});
`,
    'README.md': readme(
      input,
      `A provider for ${input.title}, built with \`defineOpenAICompatibleProvider\` from
\`@switchyard/plugin-kit/openai-compatible\`. Set \`baseUrl\` to the vendor's endpoint and list its
differences from OpenAI under \`quirks\` / \`endpoints\` / \`listModels\` (plugins/provider-together is a
worked example). For a vendor with its own wire format, implement \`createProvider\` with
\`defineProviderPlugin\` instead, and give the conformance suite an emulator of that wire format
(plugins/provider-anthropic and test/emulators/anthropic.ts show how).

Use it in \`switchyard.config.yaml\`:

\`\`\`yaml
providers:
  - id: ${input.name}
    plugin: ${input.name}
    credentials:
      - name: main
        secret: { apiKey: "\${${input.name.toUpperCase().replace(/-/g, '_')}_API_KEY}" }
\`\`\``,
    ),
  };
}
