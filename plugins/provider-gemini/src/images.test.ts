import { describe, expect, it } from 'vitest';
import { GatewayError } from '@switchyard/plugin-kit';
import { expectOpenAIValid } from '@switchyard/plugin-kit/testing';
import { aspectRatioOf, toImagesResponse, toPredictRequest } from './images';

function thrown(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (GatewayError.is(err)) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('toPredictRequest', () => {
  it('maps prompt, n, size and output format', () => {
    expect(toPredictRequest({ prompt: 'a fox', n: 3, size: '1792x1024', output_format: 'jpeg' })).toEqual({
      instances: [{ prompt: 'a fox' }],
      parameters: { sampleCount: 3, aspectRatio: '16:9', outputOptions: { mimeType: 'image/jpeg' } },
    });
    expect(toPredictRequest({ prompt: 'a fox' })).toEqual({ instances: [{ prompt: 'a fox' }], parameters: { sampleCount: 1 } });
  });

  it('refuses what Imagen cannot do', () => {
    expect(thrown(() => toPredictRequest({ prompt: 'x', n: 5 }))).toMatchObject({ status: 400, param: 'n' });
    expect(thrown(() => toPredictRequest({ prompt: '' }))).toMatchObject({ status: 400, param: 'prompt' });
    expect(thrown(() => toPredictRequest({ prompt: 'x', output_format: 'webp' }))).toMatchObject({ status: 400, param: 'output_format' });
    expect(thrown(() => toPredictRequest({ prompt: 'x', size: 'big' }))).toMatchObject({ status: 400, param: 'size' });
  });
});

describe('aspectRatioOf', () => {
  it('picks the nearest Imagen aspect ratio', () => {
    expect(aspectRatioOf('1024x1024')).toBe('1:1');
    expect(aspectRatioOf('1024x1792')).toBe('9:16');
    expect(aspectRatioOf('1536x1024')).toBe('4:3');
    expect(aspectRatioOf('1024x1536')).toBe('3:4');
    expect(aspectRatioOf('256x256')).toBe('1:1');
    expect(aspectRatioOf('auto')).toBeUndefined();
    expect(aspectRatioOf(undefined)).toBeUndefined();
  });
});

describe('toImagesResponse', () => {
  const predictions = { predictions: [{ bytesBase64Encoded: 'iVBORw0KGgo=', mimeType: 'image/png' }, { raiFilteredReason: 'filtered' }, { bytesBase64Encoded: '/9j/4AAQ', mimeType: 'image/jpeg' }] };

  it('returns b64_json by default, leaving filtered images out', () => {
    const out = toImagesResponse(predictions, { prompt: 'x' }, 1_700_000_000);
    expectOpenAIValid('ImagesResponse', out);
    expect(out).toEqual({ created: 1_700_000_000, data: [{ b64_json: 'iVBORw0KGgo=' }, { b64_json: '/9j/4AAQ' }] });
  });

  it('returns data: URLs when response_format is url', () => {
    const out = toImagesResponse(predictions, { prompt: 'x', response_format: 'url' });
    expectOpenAIValid('ImagesResponse', out);
    expect(out.data).toEqual([{ url: 'data:image/png;base64,iVBORw0KGgo=' }, { url: 'data:image/jpeg;base64,/9j/4AAQ' }]);
  });

  it('fails as a content policy refusal when every image was filtered', () => {
    expect(thrown(() => toImagesResponse({ predictions: [{ raiFilteredReason: 'Responsible AI' }] }, { prompt: 'x' }))).toMatchObject({
      status: 400,
      code: 'content_policy_violation',
    });
    expect(thrown(() => toImagesResponse({}, { prompt: 'x' }))).toMatchObject({ status: 400 });
  });
});
