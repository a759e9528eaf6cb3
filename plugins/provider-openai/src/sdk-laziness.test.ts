import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { modulesLoadedBy } from '@switchyard/plugin-kit/testing';

const isSdkEntry = (url: string) => /\/node_modules\/(openai\/(index|client)\.m?js|undici\/index\.js)$/.test(url);

describe('the OpenAI SDK and undici are loaded lazily', () => {
  it('are not loaded by importing the plugin, only when the first client is made', async () => {
    const loaded = await modulesLoadedBy(fileURLToPath(new URL('./index.ts', import.meta.url)), {
      file: fileURLToPath(new URL('./client.ts', import.meta.url)),
      exportName: 'createOpenAIClient',
      args: [{ baseUrl: 'http://127.0.0.1:9', timeoutMs: 1000, maxRetries: 0 }, 'sk-test'],
    });
    expect(loaded.atImport.some((url) => url.endsWith('/provider-openai/src/index.ts'))).toBe(true);
    expect(loaded.atImport.filter(isSdkEntry)).toEqual([]);
    const loadedLater = loaded.afterCall.filter(isSdkEntry).map((url) => url.replace(/.*\/node_modules\//, ''));
    expect(loadedLater.some((name) => name.startsWith('openai/'))).toBe(true);
    expect(loadedLater.some((name) => name.startsWith('undici/'))).toBe(true);
  }, 60_000);
});
