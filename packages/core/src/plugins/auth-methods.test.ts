import { describe, expect, it } from 'vitest';
import type { AuthPlugin, AuthRequest } from '@switchyard/spec';
import { createAuthMethods } from './auth-methods';
import { PluginRegistry } from './registry';

const lines: string[] = [];
const logger = { debug() {}, info() {}, warn() {}, error: (_o: object | string, msg?: string) => void lines.push(msg ?? '') };

const headerPlugin: AuthPlugin = {
  manifest: {
    id: 'header',
    kind: 'auth',
    version: '1.0.0',
    hostRange: '^0.1.0',
    name: 'Header',
    settingsSchema: { type: 'object', required: ['header'], properties: { header: { type: 'string' }, scope: { type: 'string', default: 'chat' } } },
  },
  createAuth(settings) {
    if (settings.header === 'explode') throw new Error('cannot start');
    return {
      async authenticate(req: AuthRequest) {
        const v = req.headers[settings.header as string];
        return typeof v === 'string' ? { outcome: 'ok', principal: { method: 'header', id: v, scopes: [settings.scope as string] } } : { outcome: 'skip' };
      },
    };
  },
};

describe('createAuthMethods', () => {
  const registry = new PluginRegistry('0.1.0');
  registry.register(headerPlugin);

  it('builds each enabled plugin with validated settings and their defaults', async () => {
    const methods = createAuthMethods(registry, [{ plugin: 'header', settings: { header: 'x-user' } }], { logger });
    expect(methods.map((m) => m.id)).toEqual(['header']);
    const result = await methods[0].method.authenticate({ method: 'GET', path: '/', ip: '127.0.0.1', headers: { 'x-user': 'ada' } });
    expect(result).toEqual({ outcome: 'ok', principal: { method: 'header', id: 'ada', scopes: ['chat'] } });
  });

  it('leaves out, with a log line, a plugin that is missing, misconfigured or fails to start', () => {
    lines.length = 0;
    const methods = createAuthMethods(
      registry,
      [{ plugin: 'nope' }, { plugin: 'header', settings: {} }, { plugin: 'header', settings: { header: 'explode' } }, { plugin: 'header', settings: { header: 'x-ok' } }],
      { logger },
    );
    expect(methods).toHaveLength(1);
    expect(lines[0]).toMatch(/'nope' is enabled but not loaded/);
    expect(lines[1]).toMatch(/invalid settings/);
    expect(lines[2]).toMatch(/failed to start/);
  });
});
