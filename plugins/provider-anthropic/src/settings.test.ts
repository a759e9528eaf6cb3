import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { credentialSchema, readSettings, settingsSchema } from './settings';

describe('settings', () => {
  it('fills defaults: the public API, version 2023-06-01, 4096 max tokens, no SDK retries', () => {
    expect(readSettings({})).toEqual({ baseUrl: 'https://api.anthropic.com', anthropicVersion: '2023-06-01', defaultMaxTokens: 4096, timeoutMs: 600_000, maxRetries: 0 });
  });

  it('strips a trailing slash or /v1 from the base URL, since the SDK adds the path', () => {
    expect(readSettings({ baseUrl: 'http://127.0.0.1:8080/v1/' }).baseUrl).toBe('http://127.0.0.1:8080');
    expect(readSettings({ baseUrl: 'https://proxy.example/anthropic/' }).baseUrl).toBe('https://proxy.example/anthropic');
  });

  it('reads numbers given as strings and ignores nonsense', () => {
    expect(readSettings({ defaultMaxTokens: '1024', maxRetries: 2, timeoutMs: -5 })).toMatchObject({ defaultMaxTokens: 1024, maxRetries: 2, timeoutMs: 600_000 });
  });

  it('has schemas that accept the defaults and reject bad values', () => {
    const ajv = new Ajv2020({ strict: false });
    const settingsValid = ajv.compile(settingsSchema);
    expect(settingsValid({ baseUrl: 'http://127.0.0.1:1', defaultMaxTokens: 10, maxRetries: 0 })).toBe(true);
    expect(settingsValid({ baseUrl: 'not a url' })).toBe(false);
    expect(settingsValid({ maxRetries: -1 })).toBe(false);
    const credentialValid = ajv.compile(credentialSchema);
    expect(credentialValid({ apiKey: 'sk-ant-1' })).toBe(true);
    expect(credentialValid({})).toBe(false);
    expect((credentialSchema.properties as Record<string, { 'x-ui': { widget: string } }>).apiKey['x-ui'].widget).toBe('password');
  });
});
