import { describe, expect, it } from 'vitest';
import { interpolateEnv, parseConfig } from './config-file';

describe('config file', () => {
  it('parses providers, credentials from env vars, models and aliases', () => {
    const cfg = parseConfig(
      `
providers:
  - id: openai
    plugin: openai
    settings: { baseUrl: "\${OPENAI_BASE:-https://api.openai.com/v1}" }
    credentials:
      - name: main
        secret: { apiKey: "\${OPENAI_API_KEY}" }
models:
  - id: gpt-4o-mini
    provider: openai
    aliases: [fast]
`,
      { OPENAI_API_KEY: 'sk-from-env' },
    );
    expect(cfg.providers[0].credentials![0].secret.apiKey).toBe('sk-from-env');
    expect(cfg.providers[0].settings!.baseUrl).toBe('https://api.openai.com/v1');
    expect(cfg.models[0]).toEqual({ id: 'gpt-4o-mini', provider: 'openai', aliases: ['fast'] });
    expect(cfg.pipelines).toEqual([]);
  });

  it('names a missing environment variable without printing any value', () => {
    expect(() => interpolateEnv({ a: { b: '${NOPE_NOT_SET}' } }, {})).toThrow('config: a.b refers to environment variable NOPE_NOT_SET, which is not set');
  });

  it('rejects unknown keys and wrong types with the path', () => {
    expect(() => parseConfig('providers: [{ id: x, plugin: openai, colour: red }]', {}, 'my.yaml')).toThrow(/my\.yaml is invalid: \/providers\/0 must NOT have additional properties/);
    expect(() => parseConfig('models: 3', {})).toThrow(/\/models must be array/);
  });

  it('treats an empty file as empty config', () => {
    expect(parseConfig('', {})).toEqual({ providers: [], models: [], pipelines: [] });
  });
});
