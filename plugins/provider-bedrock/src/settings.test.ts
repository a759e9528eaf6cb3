import { describe, expect, it } from 'vitest';
import { parseSettings } from './settings';

describe('parseSettings', () => {
  it('fills defaults', () => {
    expect(parseSettings({})).toEqual({ region: 'us-east-1', endpoint: undefined, timeoutMs: 120_000, models: [], imageUrls: 'public', imageUrlMaxBytes: 3_932_160, imageUrlTimeoutMs: 10_000 });
  });

  it('keeps given values and caps the image size at Bedrock’s limit', () => {
    const s = parseSettings({ region: 'eu-west-3', endpoint: 'http://127.0.0.1:9', timeoutMs: 5000, models: ['a'], imageUrls: 'off', imageUrlMaxBytes: 99_999_999 });
    expect(s).toMatchObject({ region: 'eu-west-3', endpoint: 'http://127.0.0.1:9', timeoutMs: 5000, models: ['a'], imageUrls: 'off', imageUrlMaxBytes: 3_932_160 });
  });

  it('refuses values the schema would refuse instead of silently defaulting', () => {
    expect(() => parseSettings({ region: 'mars' })).toThrow(/region/);
    expect(() => parseSettings({ endpoint: 'bedrock.local' })).toThrow(/endpoint/);
    expect(() => parseSettings({ timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(() => parseSettings({ models: [''] })).toThrow(/models/);
    expect(() => parseSettings({ imageUrls: 'sometimes' })).toThrow(/imageUrls/);
  });
});
