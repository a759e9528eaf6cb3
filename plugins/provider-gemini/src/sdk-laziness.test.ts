import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { modulesLoadedBy } from '@switchyard/plugin-kit/testing';

const isSdkEntry = (url: string) => /\/node_modules\/@google\/genai\/dist\/node\/index\.(mjs|cjs)$/.test(url);

describe('the Gen AI SDK is loaded lazily', () => {
  it('is not loaded by importing the plugin, only when the first client is made', async () => {
    const loaded = await modulesLoadedBy(fileURLToPath(new URL('./index.ts', import.meta.url)), {
      file: fileURLToPath(new URL('./sdk.ts', import.meta.url)),
      exportName: 'loadGenAiSdk',
    });
    expect(loaded.atImport.some((url) => url.endsWith('/provider-gemini/src/index.ts'))).toBe(true);
    expect(loaded.atImport.filter(isSdkEntry)).toEqual([]);
    expect(loaded.afterCall.some(isSdkEntry)).toBe(true);
  }, 60_000);
});
