import { describe, expect, it } from 'vitest';
import type { Tool } from '@google/genai';
import { GatewayError, type ChatCompletionRequest } from '@switchyard/plugin-kit';
import { toGenerateContentParams } from './convert-request';

const base: ChatCompletionRequest = { model: 'alias', messages: [{ role: 'user', content: 'Hi' }] };
const convert = (extra: Partial<ChatCompletionRequest>, jsonSchemaPassthrough = false) =>
  toGenerateContentParams({ ...base, ...extra }, 'gemini-2.5-flash', { jsonSchemaPassthrough });

const weather = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  },
};

function failure(extra: Partial<ChatCompletionRequest>): GatewayError {
  try {
    convert(extra);
  } catch (err) {
    if (GatewayError.is(err)) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('toGenerateContentParams', () => {
  it('names the model, the contents, and turns off the SDK’s own function calling and continuation', () => {
    const params = convert({});
    expect(params.model).toBe('gemini-2.5-flash');
    expect(params.contents).toEqual([{ role: 'user', parts: [{ text: 'Hi' }] }]);
    expect(params.config).toEqual({ automaticFunctionCalling: { disable: true }, automaticContinuation: false });
  });

  it('maps sampling options', () => {
    const { config } = convert({ temperature: 0.3, top_p: 0.9, n: 2, max_tokens: 100, stop: 'END', presence_penalty: 0.5, frequency_penalty: -0.5, seed: 7 });
    expect(config).toMatchObject({ temperature: 0.3, topP: 0.9, candidateCount: 2, maxOutputTokens: 100, stopSequences: ['END'], presencePenalty: 0.5, frequencyPenalty: -0.5, seed: 7 });
    expect(convert({ max_tokens: 100, max_completion_tokens: 50, stop: ['a', 'b'] }).config).toMatchObject({ maxOutputTokens: 50, stopSequences: ['a', 'b'] });
    expect(convert({ temperature: null, stop: null }).config).not.toHaveProperty('temperature');
  });

  it('sends the system prompt as systemInstruction', () => {
    const { config } = convert({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] });
    expect(config!.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }] });
  });

  it('turns tools into functionDeclarations with converted parameters', () => {
    const { config } = convert({ tools: [weather, { type: 'function', function: { name: 'ping' } }] });
    expect(config!.tools).toEqual([
      {
        functionDeclarations: [
          { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] } },
          { name: 'ping' },
        ],
      },
    ]);
  });

  it('passes JSON Schemas untouched when jsonSchemaPassthrough is on', () => {
    const { config } = convert({ tools: [weather], response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', additionalProperties: false } } } }, true);
    expect((config!.tools![0] as Tool).functionDeclarations![0]).toEqual({ name: 'get_weather', description: 'Weather for a city', parametersJsonSchema: weather.function.parameters });
    expect(config!.responseJsonSchema).toEqual({ type: 'object', additionalProperties: false });
    expect(config!.responseSchema).toBeUndefined();
  });

  it('maps tool_choice to functionCallingConfig', () => {
    expect(convert({ tool_choice: 'auto' }).config!.toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(convert({ tool_choice: 'none' }).config!.toolConfig).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(convert({ tool_choice: 'required' }).config!.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(convert({ tool_choice: { type: 'function', function: { name: 'get_weather' } } }).config!.toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] },
    });
    expect(convert({}).config!.toolConfig).toBeUndefined();
  });

  it('maps response_format to responseMimeType and responseSchema', () => {
    expect(convert({ response_format: { type: 'text' } }).config!.responseMimeType).toBeUndefined();
    expect(convert({ response_format: { type: 'json_object' } }).config).toMatchObject({ responseMimeType: 'application/json' });
    const { config } = convert({
      response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'], additionalProperties: false } } },
    });
    expect(config).toMatchObject({ responseMimeType: 'application/json', responseSchema: { type: 'OBJECT', properties: { n: { type: 'NUMBER' } }, required: ['n'] } });
  });

  it('maps reasoning_effort to a thinking budget with thoughts included', () => {
    expect(convert({ reasoning_effort: 'minimal' }).config!.thinkingConfig).toEqual({ thinkingBudget: 512, includeThoughts: true });
    expect(convert({ reasoning_effort: 'low' }).config!.thinkingConfig).toEqual({ thinkingBudget: 1024, includeThoughts: true });
    expect(convert({ reasoning_effort: 'medium' }).config!.thinkingConfig).toEqual({ thinkingBudget: 8192, includeThoughts: true });
    expect(convert({ reasoning_effort: 'high' }).config!.thinkingConfig).toEqual({ thinkingBudget: 24576, includeThoughts: true });
    expect(convert({ reasoning_effort: 'none' as never }).config!.thinkingConfig).toEqual({ thinkingBudget: 0 });
    expect(convert({}).config!.thinkingConfig).toBeUndefined();
  });

  it('asks for logprobs when the request does', () => {
    expect(convert({ logprobs: true, top_logprobs: 3 }).config).toMatchObject({ responseLogprobs: true, logprobs: 3 });
    expect(convert({ logprobs: false }).config).not.toHaveProperty('responseLogprobs');
  });

  it('refuses what Gemini cannot do', () => {
    expect(failure({ logit_bias: { '50256': -100 } })).toMatchObject({ status: 400, param: 'logit_bias', code: 'unsupported_parameter' });
    expect(failure({ tools: [{ type: 'custom', custom: { name: 'x' } } as never] })).toMatchObject({ status: 400, param: 'tools[0].type' });
    expect(failure({ reasoning_effort: 'extreme' as never })).toMatchObject({ status: 400, param: 'reasoning_effort' });
    expect(failure({ tool_choice: 'sometimes' as never })).toMatchObject({ status: 400, param: 'tool_choice' });
  });
});
