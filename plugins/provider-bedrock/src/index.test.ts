import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { HOST_VERSION, checkPlugin } from '@switchyard/core';
import plugin from './index';

describe('bedrock plugin manifest', () => {
  it('is accepted by the host', () => {
    expect(checkPlugin(plugin, HOST_VERSION)).toEqual([]);
    expect(plugin.manifest).toMatchObject({ id: 'bedrock', kind: 'provider', hostRange: '^0.1.0' });
  });

  it('validates settings and credentials with its schemas, defaults included', () => {
    const ajv = new Ajv2020({ strict: false, useDefaults: true });
    const settings: Record<string, unknown> = {};
    expect(ajv.validate(plugin.manifest.settingsSchema!, settings)).toBe(true);
    expect(settings).toMatchObject({ region: 'us-east-1', timeoutMs: 120000, imageUrls: 'public' });
    expect(ajv.validate(plugin.manifest.settingsSchema!, { region: 'us-east-1', bogus: 1 })).toBe(false);
    expect(ajv.validate(plugin.manifest.credentialSchema!, { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 's' })).toBe(true);
    expect(ajv.validate(plugin.manifest.credentialSchema!, { accessKeyId: 'AKIAIOSFODNN7EXAMPLE' })).toBe(false);
  });

  it('draws the secret and session token as password fields', () => {
    const fields = plugin.manifest.credentialSchema!.properties as Record<string, { 'x-ui'?: { widget?: string } }>;
    expect(fields.secretAccessKey['x-ui']?.widget).toBe('password');
    expect(fields.sessionToken['x-ui']?.widget).toBe('password');
  });
});
