import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderInstance } from '@switchyard/plugin-kit';
import { expectOpenAIValid } from '@switchyard/plugin-kit/testing';
import { startBedrockEmulator, type BedrockEmulator } from '../../../test/emulators/bedrock';
import { embeddingFamily, toBase64Float32 } from './embeddings';
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

const ctx = (model: string) => ({ signal: new AbortController().signal, model, credential: { ...emulator.credentials }, requestId: 'emb' });
const sent = () => emulator.requests.map((r) => r.body as Record<string, unknown>);

describe('embeddings', () => {
  it('Titan v2: one InvokeModel call per input, in order, with dimensions; floats validate against OpenAI', async () => {
    const out = await provider.embeddings!({ model: 'alias', input: ['alpha', 'beta gamma', 'delta'], dimensions: 256 }, ctx('amazon.titan-embed-text-v2:0'));
    expectOpenAIValid('CreateEmbeddingResponse', out);
    expect(out.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(out.data.every((d) => (d.embedding as number[]).length === 256)).toBe(true);
    expect(sent().map((b) => b.inputText).sort()).toEqual(['alpha', 'beta gamma', 'delta']);
    expect(sent()[0]).toMatchObject({ dimensions: 256, normalize: true });
    // Token counts come from Titan's inputTextTokenCount (the emulator counts words).
    expect(out.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
    expect(out.model).toBe('amazon.titan-embed-text-v2:0');
  });

  it('keeps each vector with its input even when calls finish out of order', async () => {
    const out = await provider.embeddings!({ model: 'alias', input: ['one', 'two'] }, ctx('amazon.titan-embed-text-v2:0'));
    const single = await provider.embeddings!({ model: 'alias', input: 'two' }, ctx('amazon.titan-embed-text-v2:0'));
    expect(out.data[1].embedding).toEqual(single.data[0].embedding);
  });

  it('base64 is little-endian float32 of the same vector', async () => {
    const floats = await provider.embeddings!({ model: 'alias', input: 'alpha' }, ctx('amazon.titan-embed-text-v1'));
    const b64 = await provider.embeddings!({ model: 'alias', input: 'alpha', encoding_format: 'base64' }, ctx('amazon.titan-embed-text-v1'));
    const vector = floats.data[0].embedding as number[];
    expect(vector).toHaveLength(1536);
    expect(b64.data[0].embedding).toBe(toBase64Float32(vector));
    const decoded = Buffer.from(b64.data[0].embedding as string, 'base64');
    expect(decoded.readFloatLE(4)).toBeCloseTo(vector[1], 6);
  });

  it('Cohere: batches of at most 96 texts with input_type, usage from the token-count header', async () => {
    const inputs = Array.from({ length: 100 }, (_, i) => `text number ${i}`);
    const out = await provider.embeddings!({ model: 'alias', input: inputs, input_type: 'search_query' } as never, ctx('cohere.embed-multilingual-v3'));
    expectOpenAIValid('CreateEmbeddingResponse', out);
    expect(out.data).toHaveLength(100);
    expect(sent().map((b) => (b.texts as string[]).length).sort((a, b) => a - b)).toEqual([4, 96]);
    expect(sent().every((b) => b.input_type === 'search_query')).toBe(true);
    expect(out.usage.prompt_tokens).toBe(300);
  });

  it('Cohere v4 takes dimensions as output_dimension and answers embeddings by type', async () => {
    const out = await provider.embeddings!({ model: 'alias', input: ['a'], dimensions: 512 }, ctx('cohere.embed-v4:0'));
    expect((out.data[0].embedding as number[]).length).toBe(512);
    expect(sent()[0]).toMatchObject({ output_dimension: 512, embedding_types: ['float'], input_type: 'search_document' });
  });

  it('refuses what Bedrock cannot do with a 400 before calling it', async () => {
    const titan = ctx('amazon.titan-embed-text-v2:0');
    await expect(provider.embeddings!({ model: 'a', input: [[1, 2, 3]] }, titan)).rejects.toMatchObject({ status: 400, param: 'input' });
    await expect(provider.embeddings!({ model: 'a', input: 'x', dimensions: 100 }, titan)).rejects.toMatchObject({ status: 400, param: 'dimensions' });
    await expect(provider.embeddings!({ model: 'a', input: 'x', dimensions: 256 }, ctx('amazon.titan-embed-text-v1'))).rejects.toMatchObject({ status: 400, param: 'dimensions' });
    await expect(provider.embeddings!({ model: 'a', input: 'x', dimensions: 256 }, ctx('cohere.embed-english-v3'))).rejects.toMatchObject({ status: 400, param: 'dimensions' });
    await expect(provider.embeddings!({ model: 'a', input: 'x', input_type: 'poetry' } as never, ctx('cohere.embed-english-v3'))).rejects.toMatchObject({ status: 400, param: 'input_type' });
    await expect(provider.embeddings!({ model: 'a', input: 'x' }, ctx('anthropic.claude-3-haiku-20240307-v1:0'))).rejects.toMatchObject({ status: 400, code: 'unsupported_model' });
    expect(emulator.requests).toHaveLength(0);
  });

  it('maps upstream failures (ThrottlingException) like chat does', async () => {
    emulator.enqueue({ error: { status: 429, kind: 'rate_limit' } });
    await expect(provider.embeddings!({ model: 'a', input: 'x' }, ctx('amazon.titan-embed-text-v2:0'))).rejects.toMatchObject({ status: 429, retryable: true });
  });

  it('recognises the embedding families, cross-region prefixes included', () => {
    expect(embeddingFamily('us.cohere.embed-v4:0')).toBe('cohere-v4');
    expect(embeddingFamily('amazon.titan-embed-g1-text-02')).toBe('titan-v1');
    expect(embeddingFamily('amazon.nova-pro-v1:0')).toBeUndefined();
  });
});
