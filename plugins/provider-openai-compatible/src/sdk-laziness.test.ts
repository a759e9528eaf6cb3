import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { modulesLoadedBy } from '@switchyard/plugin-kit/testing';

const isSdkEntry = (url: string) => /\/node_modules\/(openai\/(index|client)\.m?js|undici\/index\.js)$/.test(url);

// provider-openai's sdk-laziness test shows the recording sees the SDK once a client is made.
describe('the OpenAI SDK and undici are loaded lazily', () => {
  it('are not loaded by importing the plugin, which builds on provider-openai', async () => {
    const loaded = await modulesLoadedBy(fileURLToPath(new URL('./index.ts', import.meta.url)));
    expect(loaded.atImport.some((url) => url.endsWith('/provider-openai-compatible/src/index.ts'))).toBe(true);
    expect(loaded.atImport.some((url) => url.endsWith('/provider-openai/src/index.ts'))).toBe(true);
    expect(loaded.atImport.filter(isSdkEntry)).toEqual([]);
  }, 60_000);
});
