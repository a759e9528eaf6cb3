import { packageJson, readme, vitestConfig, type TemplateFiles, type TemplateInput } from './common';

/** A pipeline node type that changes the request on its way: it caps the output tokens asked for. */
export function nodeTemplate(input: TemplateInput): TemplateFiles {
  return {
    'package.json': packageJson(input, `Switchyard node plugin: ${input.title}`),
    'vitest.config.ts': vitestConfig,
    'src/index.ts': `import { defineNodePlugin, defineNodeType, type ChatCompletionRequest } from '@switchyard/plugin-kit';

/** Caps max_completion_tokens (and the older max_tokens) of chat requests; other requests pass as they are. */
export const ${input.camel}Node = defineNodeType({
  type: '${input.name}',
  title: '${input.title}',
  category: 'transform',
  description: 'Caps the output tokens a chat request may ask for.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['maxTokens'],
    properties: {
      maxTokens: { type: 'integer', title: 'Most output tokens', minimum: 1, maximum: 1_000_000, 'x-ui': { order: 1 } },
    },
  } as const,
  async execute(ctx) {
    if (ctx.kind !== 'chat') return ctx.next('next');
    const body = ctx.body as ChatCompletionRequest;
    const cap = ctx.params.maxTokens;
    const asked = body.max_completion_tokens ?? body.max_tokens ?? undefined;
    if (asked !== undefined && asked !== null && asked <= cap) {
      ctx.decide(\`kept \${asked}\`);
      return ctx.next('next');
    }
    ctx.decide(\`capped at \${cap}\`);
    // Never change ctx.body itself: pass a new body to what follows.
    const capped: ChatCompletionRequest = { ...body, max_completion_tokens: cap };
    if (body.max_tokens != null) capped.max_tokens = cap;
    return ctx.next('next', { body: capped });
  },
});

export default defineNodePlugin({
  manifest: {
    id: '${input.name}',
    kind: 'node',
    version: '0.1.0',
    hostRange: '${input.hostRange}',
    name: '${input.title}',
    description: 'Pipeline node types from ${input.title}.',
  },
  nodeTypes: [${input.camel}Node],
});
`,
    'src/index.test.ts': `import type { ChatCompletionRequest } from '@switchyard/plugin-kit';
import { runNode } from '@switchyard/plugin-kit/testing';
import { describe, expect, it } from 'vitest';
import plugin from './index';

const request = (extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...extra });
const node = { type: '${input.name}', params: { maxTokens: 100 } };

describe('${input.name} node', () => {
  it('caps a request that asks for more, or for no limit', async () => {
    for (const asked of [{ max_completion_tokens: 5000 }, {}]) {
      const run = await runNode({ plugin, node, request: request(asked) });
      expect((run.upstream[0].request as ChatCompletionRequest).max_completion_tokens).toBe(100);
      expect(run.result.trace[0].decision).toBe('capped at 100');
    }
  });

  it('leaves a smaller limit alone, and the answer reaches the client', async () => {
    const run = await runNode({ plugin, node, request: request({ max_completion_tokens: 20 }) });
    expect((run.upstream[0].request as ChatCompletionRequest).max_completion_tokens).toBe(20);
    expect(run.text).toBe('hi');
  });

  it('works the same for streams', async () => {
    const run = await runNode({ plugin, node, request: request(), stream: true, upstream: () => ({ stream: ['Hel', 'lo'] }) });
    expect(run.text).toBe('Hello');
    expect((run.upstream[0].request as ChatCompletionRequest).max_completion_tokens).toBe(100);
  });
});
`,
    'src/gateway.test.ts': `import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPluginGateway, type PluginGateway } from '@switchyard/plugin-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pluginFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('${input.name} in a gateway', () => {
  let gw: PluginGateway;
  beforeAll(async () => {
    gw = await startPluginGateway({ plugins: [pluginFolder] });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('appears in the pipeline editor palette (GET /api/node-types) with its params schema', async () => {
    const res = await fetch(\`\${gw.url}/api/node-types\`, { headers: gw.auth });
    const body = (await res.json()) as { data: Array<{ type: string; source: string; paramsSchema: { required?: string[] } }> };
    expect(body.data.find((t) => t.type === '${input.name}')).toMatchObject({ source: '${input.name}', paramsSchema: { required: ['maxTokens'] } });
  });
});
`,
    'README.md': readme(
      input,
      `A pipeline node type (\`${input.name}\`) that caps the output tokens of chat requests. Node types get
\`params\` typed from their JSON Schema through \`defineNodeType\`, pass a changed copy of the request
with \`ctx.next('next', {body})\`, and may wrap the answer (see plugins/node-pii-redact, which rewrites
streamed text). The editor draws the params form from \`paramsSchema\` and its \`x-ui\` hints; the same
schema validates pipelines on the server. Raise \`typeVersion\` for incompatible changes and keep the old
version registered, so saved pipelines keep working (docs/pipelines.md, "Node types from plugins").`,
    ),
  };
}
