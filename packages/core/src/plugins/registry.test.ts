import { describe, expect, it } from 'vitest';
import { PluginRegistry } from './registry';

const logs: Array<{ level: string; obj: unknown; msg?: string }> = [];
const logger = {
  debug: () => {},
  info: (obj: object | string, msg?: string) => void logs.push({ level: 'info', obj, msg }),
  warn: (obj: object | string, msg?: string) => void logs.push({ level: 'warn', obj, msg }),
  error: (obj: object | string, msg?: string) => void logs.push({ level: 'error', obj, msg }),
};

const provider = (over: Record<string, unknown> = {}) => ({
  manifest: { id: 'acme', kind: 'provider', version: '1.2.3', hostRange: '^0.1.0', name: 'Acme', ...over },
  createProvider: () => ({}),
});

describe('PluginRegistry', () => {
  it('accepts a valid plugin and finds it by kind and id', () => {
    const r = new PluginRegistry('0.1.0', logger);
    expect(r.register(provider())).toBe(true);
    expect(r.get('provider', 'acme')?.manifest.name).toBe('Acme');
    expect(r.list('provider')).toHaveLength(1);
    expect(r.list('auth')).toHaveLength(0);
  });

  it.each([
    ['a missing id', { id: undefined }, /manifest must have required property 'id'/],
    ['a bad id', { id: 'Bad Id' }, /manifest\.id must match pattern/],
    ['an unknown kind', { kind: 'storage' }, /manifest\.kind must be equal to one of the allowed values/],
    ['a non-semver version', { version: 'one' }, /not a semver version/],
    ['a host range this host does not satisfy', { hostRange: '^2.0.0' }, /needs Switchyard \^2\.0\.0, this host is 0\.1\.0/],
    ['an invalid range', { hostRange: 'banana' }, /not a semver range/],
    ['an invalid settings schema', { settingsSchema: { type: 'nonsense' } }, /settingsSchema is not a valid JSON Schema/],
  ])('refuses a plugin with %s and says why', (_label, over, reason) => {
    logs.length = 0;
    const r = new PluginRegistry('0.1.0', logger);
    expect(r.register(provider(over), { packageName: 'acme-plugin' })).toBe(false);
    expect(r.list()).toHaveLength(0);
    const refused = r.refused();
    expect(refused).toHaveLength(1);
    expect(refused[0].reasons.join('; ')).toMatch(reason);
    const line = logs.find((l) => l.level === 'error');
    expect(line?.msg).toMatch(/plugin refused/);
  });

  it('refuses a plugin that lacks its kind\'s entry point', () => {
    const r = new PluginRegistry('0.1.0');
    expect(r.register({ manifest: provider().manifest })).toBe(false);
    expect(r.refused()[0].reasons).toContain('a provider plugin must export createProvider');
    expect(r.register({ manifest: { ...provider().manifest, kind: 'node', id: 'n' }, nodeTypes: 'x' })).toBe(false);
  });

  it('refuses a second plugin with the same kind and id from another package', () => {
    const r = new PluginRegistry('0.1.0');
    expect(r.register(provider(), { path: '/a' })).toBe(true);
    expect(r.register(provider(), { path: '/b' })).toBe(false);
    expect(r.refused()[0].reasons[0]).toMatch(/already loaded/);
  });

  it('refuses things that are not plugins at all', () => {
    const r = new PluginRegistry('0.1.0');
    expect(r.register(undefined, { packageName: 'empty' })).toBe(false);
    expect(r.refused()[0]).toMatchObject({ name: 'empty', reasons: ['the module does not export a plugin object'] });
  });

  it('notifies listeners on change', () => {
    const r = new PluginRegistry('0.1.0');
    let n = 0;
    r.onChange(() => n++);
    r.register(provider());
    r.unregister('provider', 'acme');
    expect(n).toBe(2);
  });
});
