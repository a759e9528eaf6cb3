import { packageJson, readme, vitestConfig, type TemplateFiles, type TemplateInput } from './common';

/** An auth method that accepts one shared token in a header of its own: small, but complete. */
export function authTemplate(input: TemplateInput): TemplateFiles {
  const header = `x-${input.name}-token`;
  return {
    'package.json': packageJson(input, `Switchyard auth plugin: ${input.title}`),
    'vitest.config.ts': vitestConfig,
    'src/index.ts': `import { createHash, timingSafeEqual } from 'node:crypto';
import { defineAuthPlugin, defineSchema, type AuthRequest, type AuthResult, type SchemaValue } from '@switchyard/plugin-kit';

export const settingsSchema = defineSchema({
  type: 'object',
  additionalProperties: false,
  required: ['token'],
  properties: {
    header: { type: 'string', title: 'Header', pattern: '^[A-Za-z0-9-]{1,64}$', default: '${header}', 'x-ui': { order: 1 } },
    token: { type: 'string', title: 'Token', minLength: 16, 'x-ui': { order: 2, widget: 'password' } },
    scopes: { type: 'array', title: 'Scopes', items: { type: 'string' }, default: ['chat', 'embeddings', 'images', 'models'], 'x-ui': { order: 3 } },
  },
});

export type Settings = SchemaValue<typeof settingsSchema>;

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Decides one request: not ours (skip), the right token (ok), or a wrong one (deny). */
export function authenticate(req: AuthRequest, settings: Settings): AuthResult {
  const presented = req.headers[(settings.header ?? '${header}').toLowerCase()];
  if (presented === undefined) return { outcome: 'skip' };
  // Constant-time comparison of digests: neither the token nor its length leaks through timing.
  if (typeof presented !== 'string' || !timingSafeEqual(digest(presented), digest(settings.token))) {
    return { outcome: 'deny', error: { status: 401, type: 'authentication_error', code: 'invalid_token', message: 'The ${input.title} token is not valid.', retryable: false } };
  }
  return { outcome: 'ok', principal: { method: '${input.name}', id: '${input.name}:shared-token', scopes: settings.scopes ?? ['chat', 'embeddings', 'images', 'models'] } };
}

export default defineAuthPlugin({
  manifest: {
    id: '${input.name}',
    kind: 'auth',
    version: '0.1.0',
    hostRange: '${input.hostRange}',
    name: '${input.title}',
    description: 'Accepts a shared token in its own header.',
    settingsSchema,
  },
  createAuth(settings) {
    const typed = settings as Settings;
    return { authenticate: async (req) => authenticate(req, typed) };
  },
});
`,
    'src/index.test.ts': `import { describe, expect, it } from 'vitest';
import { authenticate } from './index';

const settings = { token: 'test-token-0123456789abcdef' };
const request = (headers: Record<string, string>) => ({ method: 'POST', path: '/v1/chat/completions', ip: '127.0.0.1', headers });

describe('${input.name} auth', () => {
  it('skips requests without its header', () => {
    expect(authenticate(request({}), settings)).toEqual({ outcome: 'skip' });
  });

  it('accepts the token', () => {
    expect(authenticate(request({ '${header}': settings.token }), settings)).toMatchObject({ outcome: 'ok', principal: { method: '${input.name}' } });
  });

  it('refuses a wrong token without repeating it', () => {
    const result = authenticate(request({ '${header}': 'wrong-token-0123456789' }), settings);
    expect(result).toMatchObject({ outcome: 'deny', error: { status: 401, code: 'invalid_token' } });
    expect(JSON.stringify(result)).not.toContain('wrong-token');
  });
});
`,
    'src/gateway.test.ts': `import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPluginGateway, type PluginGateway } from '@switchyard/plugin-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pluginFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const token = 'gateway-token-0123456789abcdef';

describe('${input.name} in a gateway', () => {
  let gw: PluginGateway;
  beforeAll(async () => {
    gw = await startPluginGateway({ plugins: [pluginFolder], authPlugins: [{ plugin: '${input.name}', settings: { token } }] });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  const models = (headers: Record<string, string>) => fetch(\`\${gw.url}/v1/models\`, { headers });

  it('lets a request with the token in', async () => {
    expect((await models({ '${header}': token })).status).toBe(200);
  });

  it('answers a wrong token with an OpenAI-shaped 401', async () => {
    const res = await models({ '${header}': 'not-the-token-0123456789' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: expect.objectContaining({ code: 'invalid_token' }) });
  });
});
`,
    'README.md': readme(
      input,
      `An auth method that accepts one shared token in the \`${header}\` header. Replace \`authenticate\`
with your own check: return \`skip\` for requests that are not yours, \`ok\` with a principal, or \`deny\`
with an OpenAI-shaped error. Auth plugins see method, path, IP and headers (never the body).
Enable it with the gateway's \`authPlugins\` option: \`[{ plugin: '${input.name}', settings: { token } }]\`.`,
    ),
  };
}
