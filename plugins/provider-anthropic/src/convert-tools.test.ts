import { describe, expect, it } from 'vitest';
import type { FunctionTool } from '@switchyard/plugin-kit';
import { convertToolChoice, convertTools } from './convert-tools';
import { gatewayFailure } from '../test/gateway-error';

const weather: FunctionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

describe('convertTools', () => {
  it('moves the JSON Schema to input_schema and keeps name and description', () => {
    expect(convertTools([weather])).toEqual([
      { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    ]);
  });

  it('gives a tool without parameters an empty object schema', () => {
    expect(convertTools([{ type: 'function', function: { name: 'now' } }])).toEqual([{ name: 'now', input_schema: { type: 'object' } }]);
    expect(convertTools(undefined)).toEqual([]);
  });

  it('refuses non-function tools and non-object parameter schemas', async () => {
    expect((await gatewayFailure(() => convertTools([{ type: 'code_interpreter' } as unknown as FunctionTool]))).param).toBe('tools[0]');
    expect((await gatewayFailure(() => convertTools([{ type: 'function', function: { name: 'x', parameters: { type: 'array' } } }]))).param).toBe('tools[0].function.parameters');
  });
});

describe('convertToolChoice', () => {
  const tools = convertTools([weather]);

  it('maps auto, none, required and a named function', () => {
    expect(convertToolChoice('auto', undefined, tools)).toEqual({ type: 'auto' });
    expect(convertToolChoice('none', undefined, tools)).toEqual({ type: 'none' });
    expect(convertToolChoice('required', undefined, tools)).toEqual({ type: 'any' });
    expect(convertToolChoice({ type: 'function', function: { name: 'get_weather' } }, undefined, tools)).toEqual({ type: 'tool', name: 'get_weather' });
    expect(convertToolChoice(undefined, undefined, tools)).toBeUndefined();
  });

  it('turns parallel_tool_calls false into disable_parallel_tool_use', () => {
    expect(convertToolChoice(undefined, false, tools)).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(convertToolChoice('required', false, tools)).toEqual({ type: 'any', disable_parallel_tool_use: true });
    expect(convertToolChoice({ type: 'function', function: { name: 'get_weather' } }, false, tools)).toEqual({ type: 'tool', name: 'get_weather', disable_parallel_tool_use: true });
    expect(convertToolChoice('auto', true, tools)).toEqual({ type: 'auto' });
  });

  it('sends nothing without tools, and refuses a choice naming an unknown tool', async () => {
    expect(convertToolChoice('required', false, [])).toBeUndefined();
    expect((await gatewayFailure(() => convertToolChoice({ type: 'function', function: { name: 'nope' } }, undefined, tools))).param).toBe('tool_choice');
  });
});
