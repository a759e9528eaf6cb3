import { describe, expect, it } from 'vitest';
import { GatewayError } from '@switchyard/plugin-kit';
import { expectOpenAIValid } from '@switchyard/plugin-kit/testing';
import { float32Base64, textInputs, toEmbedParams, toEmbeddingResponse } from './embeddings';

function thrown(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (GatewayError.is(err)) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('toEmbedParams', () => {
  it('sends text inputs and dimensions as outputDimensionality', () => {
    expect(toEmbedParams({ model: 'a', input: 'hello' }, 'text-embedding-004')).toEqual({ model: 'text-embedding-004', contents: ['hello'] });
    expect(toEmbedParams({ model: 'a', input: ['a', 'b'], dimensions: 256 }, 'gemini-embedding-001')).toEqual({
      model: 'gemini-embedding-001',
      contents: ['a', 'b'],
      config: { outputDimensionality: 256 },
    });
  });

  it('refuses token-id inputs and bad dimensions', () => {
    expect(thrown(() => textInputs([1, 2, 3]))).toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'input' });
    expect(thrown(() => textInputs([[1, 2]]))).toMatchObject({ status: 400, param: 'input' });
    expect(thrown(() => textInputs([]))).toMatchObject({ status: 400, param: 'input' });
    expect(thrown(() => toEmbedParams({ model: 'a', input: 'x', dimensions: 0 }, 'm'))).toMatchObject({ status: 400, param: 'dimensions' });
  });
});

describe('toEmbeddingResponse', () => {
  const response = { embeddings: [{ values: [0.5, -0.25, 1] }, { values: [0, 0.125, -1] }] };

  it('returns floats in OpenAI shape, with an estimated token count', () => {
    const out = toEmbeddingResponse(response, { model: 'alias', input: ['hello world', 'hi'] }, 'text-embedding-004');
    expectOpenAIValid('CreateEmbeddingResponse', out);
    expect(out).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.5, -0.25, 1] },
        { object: 'embedding', index: 1, embedding: [0, 0.125, -1] },
      ],
      model: 'text-embedding-004',
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
  });

  it('returns base64 of little-endian float32 when asked', () => {
    const out = toEmbeddingResponse(response, { model: 'alias', input: ['a', 'b'], encoding_format: 'base64' }, 'm');
    const bytes = Buffer.from(out.data[0].embedding as string, 'base64');
    expect(bytes.length).toBe(12);
    expect([bytes.readFloatLE(0), bytes.readFloatLE(4), bytes.readFloatLE(8)]).toEqual([0.5, -0.25, 1]);
    expect(float32Base64([1])).toBe(Buffer.from([0, 0, 0x80, 0x3f]).toString('base64'));
  });

  it('fails when the upstream returned a different number of embeddings', () => {
    expect(thrown(() => toEmbeddingResponse({ embeddings: [{ values: [1] }] }, { model: 'a', input: ['x', 'y'] }, 'm'))).toMatchObject({ status: 500 });
  });
});
