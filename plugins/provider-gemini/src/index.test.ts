import { describe, expect, it } from 'vitest';
import { HOST_VERSION, checkPlugin } from '@switchyard/core';
import plugin from './index';
import { readSettings } from './settings';

describe('gemini plugin manifest', () => {
  it('is accepted by the host', () => {
    expect(checkPlugin(plugin, HOST_VERSION)).toEqual([]);
    expect(plugin.manifest).toMatchObject({ id: 'gemini', kind: 'provider', hostRange: '^0.1.0' });
  });

  it('describes settings and a password-drawn API key', () => {
    const settings = plugin.manifest.settingsSchema as { properties: Record<string, { 'x-ui'?: unknown; default?: unknown }> };
    expect(Object.keys(settings.properties)).toEqual(expect.arrayContaining(['baseUrl', 'apiVersion', 'timeoutMs']));
    for (const property of Object.values(settings.properties)) expect(property['x-ui']).toBeDefined();
    const credential = plugin.manifest.credentialSchema as { required: string[]; properties: { apiKey: { 'x-ui': { widget: string } } } };
    expect(credential.required).toEqual(['apiKey']);
    expect(credential.properties.apiKey['x-ui'].widget).toBe('password');
  });
});

describe('readSettings', () => {
  it('fills defaults and trims the base URL', () => {
    expect(readSettings({})).toEqual({ baseUrl: 'https://generativelanguage.googleapis.com', apiVersion: 'v1beta', timeoutMs: 600_000, jsonSchemaPassthrough: false });
    expect(readSettings({ baseUrl: 'http://127.0.0.1:9/', apiVersion: 'v1', timeoutMs: '5000', jsonSchemaPassthrough: true })).toEqual({
      baseUrl: 'http://127.0.0.1:9',
      apiVersion: 'v1',
      timeoutMs: 5000,
      jsonSchemaPassthrough: true,
    });
    expect(readSettings({ timeoutMs: -1 }).timeoutMs).toBe(600_000);
  });
});
