import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { convertSchema, createOpenAIValidator, expectOpenAIValid, validateOpenAI } from './openapi';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const fixture = (name: string) => path.resolve(repoRoot, '../shared/fixtures/openai', name);
const readJson = (name: string) => JSON.parse(fs.readFileSync(fixture(name), 'utf8'));

describe('OpenAI OpenAPI validator', () => {
  it('accepts recorded real OpenAI responses', () => {
    expect(validateOpenAI('CreateChatCompletionResponse', readJson('openai-text.json'))).toEqual([]);
    expect(validateOpenAI('CreateEmbeddingResponse', readJson('openai-embedding.json'))).toEqual([]);
    expect(validateOpenAI('ImagesResponse', readJson('openai-image.json'))).toEqual([]);
    expect(validateOpenAI('ErrorResponse', readJson('reasoning-model-legacy-parameter-error.json'))).toEqual([]);
  });

  it('accepts every chunk of a recorded real stream, the usage chunk included', () => {
    const chunks = fs.readFileSync(fixture('openai-text.chunks.txt'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    for (const chunk of chunks) expectOpenAIValid('CreateChatCompletionStreamResponse', chunk);
    expect(chunks.at(-1).choices).toEqual([]);
  });

  it('reports what is wrong with a malformed completion', () => {
    const good = readJson('openai-text.json');
    const problems = validateOpenAI('CreateChatCompletionResponse', {
      ...good,
      choices: [{ ...good.choices[0], finish_reason: 'finished', message: { ...good.choices[0].message, content: 42 } }],
    });
    expect(problems.join('\n')).toMatch(/finish_reason/);
    expect(problems.join('\n')).toMatch(/content/);
    const { choices: _dropped, ...noChoices } = good;
    expect(validateOpenAI('CreateChatCompletionResponse', noChoices)).toEqual([expect.stringContaining("must have required property 'choices'")]);
    expect(() => expectOpenAIValid('CreateChatCompletionResponse', noChoices, 'the response')).toThrow(/the response does not conform/);
  });

  it('treats nullable fields as nullable and nothing else as nullable', () => {
    const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'x' }, finish_reason: null, logprobs: null }], usage: null };
    expect(validateOpenAI('CreateChatCompletionStreamResponse', chunk)).toEqual([]);
    expect(validateOpenAI('CreateChatCompletionStreamResponse', { ...chunk, id: null })).not.toEqual([]);
    expect(validateOpenAI('CreateChatCompletionStreamResponse', { ...chunk, choices: [{ ...chunk.choices[0], finish_reason: 'nope' }] })).not.toEqual([]);
  });

  it('allows fields OpenAI does not define (reasoning_content, extra usage details), as the spec sets no additionalProperties: false there', () => {
    const good = readJson('openai-text.json');
    const extended = {
      ...good,
      choices: [{ ...good.choices[0], message: { ...good.choices[0].message, reasoning_content: 'thinking' } }],
      usage: { ...good.usage, prompt_tokens_details: { cached_tokens: 3, cache_write_tokens: 5, provider_specific_tokens: 1 } },
    };
    expect(validateOpenAI('CreateChatCompletionResponse', extended)).toEqual([]);
    expect(validateOpenAI('CompletionUsage', { ...good.usage, prompt_tokens_details: { cache_write_tokens: 'many' } })).not.toEqual([]);
  });

  it('validates model lists and models', () => {
    const model = { id: 'gpt-4o-mini', object: 'model', created: 1700000000, owned_by: 'system' };
    expect(validateOpenAI('Model', model)).toEqual([]);
    expect(validateOpenAI('ListModelsResponse', { object: 'list', data: [model] })).toEqual([]);
    expect(validateOpenAI('Model', { id: 'x', object: 'model' })).not.toEqual([]);
  });

  it('rejects an unknown schema name', () => {
    expect(() => validateOpenAI('NoSuchSchema', {})).toThrow(/No schema named 'NoSuchSchema'/);
  });
});

describe('convertSchema', () => {
  it('turns nullable into a type array for plain types and into anyOf otherwise', () => {
    expect(convertSchema({ type: 'string', nullable: true, description: 'd' }, 'X')).toEqual({ type: ['string', 'null'] });
    expect(convertSchema({ type: 'string', enum: ['a'], nullable: true }, 'X')).toEqual({ anyOf: [{ type: 'string', enum: ['a'] }, { type: 'null' }] });
    expect(convertSchema({ $ref: '#/components/schemas/Y', nullable: true }, 'X')).toEqual({ anyOf: [{ $ref: '#/components/schemas/Y' }, { type: 'null' }] });
  });

  it('rewrites boolean exclusive bounds, recursive refs, and keeps property names that look like keywords', () => {
    expect(convertSchema({ type: 'number', minimum: 0, exclusiveMinimum: true }, 'X')).toEqual({ type: 'number', exclusiveMinimum: 0 });
    expect(convertSchema({ $recursiveAnchor: true, anyOf: [{ $recursiveRef: '#' }] }, 'Filter')).toEqual({ anyOf: [{ $ref: '#/components/schemas/Filter' }] });
    expect(convertSchema({ type: 'object', properties: { description: { type: 'string', 'x-oai': 1 } }, required: ['description'] }, 'X')).toEqual({
      type: 'object',
      properties: { description: { type: 'string' } },
      required: ['description'],
    });
  });
});

describe('createOpenAIValidator with another spec file', () => {
  it('converts a custom spec, registers its formats, and reuses the disk cache keyed by size and mtime', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-openapi-'));
    const specPath = path.join(dir, 'spec.yaml');
    fs.writeFileSync(specPath, ['components:', '  schemas:', '    Thing:', '      type: object', '      required: [at]', '      properties:', '        at:', '          type: integer', '          format: unixtime', '          nullable: true', ''].join('\n'));
    const cacheDir = path.join(dir, 'cache');
    const first = createOpenAIValidator({ specPath, cacheDir });
    expect(first.validate('Thing', { at: 5 })).toEqual([]);
    expect(first.validate('Thing', { at: null })).toEqual([]);
    expect(first.validate('Thing', { at: 'x' })).not.toEqual([]);

    // Prove the second validator reads the cache: change the cached copy, not the spec.
    const [cacheFile] = fs.readdirSync(cacheDir);
    const cached = JSON.parse(fs.readFileSync(path.join(cacheDir, cacheFile), 'utf8'));
    expect(cached.formats).toEqual(['unixtime']);
    cached.schemas.Thing.properties.at = { type: 'string' };
    fs.writeFileSync(path.join(cacheDir, cacheFile), JSON.stringify(cached));
    const second = createOpenAIValidator({ specPath, cacheDir });
    expect(second.validate('Thing', { at: 'x' })).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
