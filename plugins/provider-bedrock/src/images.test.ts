import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderInstance } from '@switchyard/plugin-kit';
import { expectOpenAIValid } from '@switchyard/plugin-kit/testing';
import { startBedrockEmulator, type BedrockEmulator } from '../../../test/emulators/bedrock';
import { createBedrockProvider } from './provider';

let emulator: BedrockEmulator;
let provider: ProviderInstance;

beforeAll(async () => {
  emulator = await startBedrockEmulator();
  provider = createBedrockProvider({ region: emulator.region, endpoint: emulator.url });
});
afterAll(async () => {
  await provider.close?.();
  await emulator.close();
});
beforeEach(() => emulator.reset());

const ctx = (model: string) => ({ signal: new AbortController().signal, model, credential: { ...emulator.credentials }, requestId: 'img' });
const isPng = (b64: string | undefined) => Buffer.from(b64 ?? '', 'base64').subarray(1, 4).toString('ascii') === 'PNG';

describe('images', () => {
  it('Nova Canvas / Titan: one TEXT_IMAGE call for n images, size and quality mapped', async () => {
    const out = await provider.images!({ prompt: 'a lighthouse', n: 2, size: '1280x720', quality: 'hd' }, ctx('amazon.nova-canvas-v1:0'));
    expectOpenAIValid('ImagesResponse', out);
    expect(out.data).toHaveLength(2);
    expect(out.data.every((d) => isPng(d.b64_json) && d.url === undefined)).toBe(true);
    expect(emulator.requests).toHaveLength(1);
    expect(emulator.requests[0].body).toEqual({
      taskType: 'TEXT_IMAGE',
      textToImageParams: { text: 'a lighthouse' },
      imageGenerationConfig: { numberOfImages: 2, width: 1280, height: 720, quality: 'premium' },
    });
  });

  it('Stability SD3/Core/Ultra: one call per image, aspect ratio from the size', async () => {
    const out = await provider.images!({ prompt: 'a fox', n: 2, size: '1792x1024' }, ctx('stability.sd3-5-large-v1:0'));
    expectOpenAIValid('ImagesResponse', out);
    expect(out.data).toHaveLength(2);
    expect(emulator.requests).toHaveLength(2);
    expect(emulator.requests[0].body).toEqual({ prompt: 'a fox', mode: 'text-to-image', aspect_ratio: '16:9', output_format: 'png' });
  });

  it('Stability SDXL: text_prompts and samples', async () => {
    const out = await provider.images!({ prompt: 'a boat', n: 3 }, ctx('stability.stable-diffusion-xl-v1'));
    expect(out.data).toHaveLength(3);
    expect(emulator.requests[0].body).toMatchObject({ text_prompts: [{ text: 'a boat' }], samples: 3, width: 1024, height: 1024 });
  });

  it('reports a filtered image as a 400 content_filter', async () => {
    emulator.enqueueInvokeBody({ seeds: [1], finish_reasons: ['Filter reason: prompt'], images: [] });
    await expect(provider.images!({ prompt: 'x' }, ctx('stability.stable-image-core-v1:1'))).rejects.toMatchObject({ status: 400, code: 'content_filter' });
  });

  it('refuses response_format url (Bedrock returns bytes only), bad n and sizes, and non-image models', async () => {
    await expect(provider.images!({ prompt: 'x', response_format: 'url' }, ctx('amazon.nova-canvas-v1:0'))).rejects.toMatchObject({ status: 400, param: 'response_format' });
    await expect(provider.images!({ prompt: 'x', n: 6 }, ctx('amazon.nova-canvas-v1:0'))).rejects.toMatchObject({ status: 400, param: 'n' });
    await expect(provider.images!({ prompt: 'x', size: 'large' }, ctx('amazon.nova-canvas-v1:0'))).rejects.toMatchObject({ status: 400, param: 'size' });
    await expect(provider.images!({ prompt: 'x' }, ctx('amazon.titan-embed-text-v2:0'))).rejects.toMatchObject({ status: 400, code: 'unsupported_model' });
    expect(emulator.requests).toHaveLength(0);
  });
});
