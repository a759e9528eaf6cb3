import { describe, expect, it } from 'vitest';
import type { FunctionTool } from '@switchyard/plugin-kit';
import { planTools } from './tools';

const weather: FunctionTool = { type: 'function', function: { name: 'weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
const time: FunctionTool = { type: 'function', function: { name: 'time' } };

describe('planTools', () => {
  it('sends no toolConfig without tools, JSON mode or forced choice', () => {
    expect(planTools({})).toEqual({ forcesToolUse: false });
    expect(planTools({ response_format: { type: 'text' } })).toEqual({ forcesToolUse: false });
  });

  it('maps tools to toolSpecs with their JSON schema (parameters default to an empty object schema)', () => {
    const plan = planTools({ tools: [weather, time] });
    expect(plan.toolConfig).toEqual({
      tools: [
        { toolSpec: { name: 'weather', description: 'Weather now', inputSchema: { json: weather.function.parameters } } },
        { toolSpec: { name: 'time', inputSchema: { json: { type: 'object', properties: {} } } } },
      ],
    });
    expect(plan.forcesToolUse).toBe(false);
  });

  it('maps tool_choice: auto -> auto, required -> any, a named function -> tool, none -> no tools', () => {
    expect(planTools({ tools: [weather], tool_choice: 'auto' }).toolConfig?.toolChoice).toEqual({ auto: {} });
    expect(planTools({ tools: [weather], tool_choice: 'required' }).toolConfig?.toolChoice).toEqual({ any: {} });
    const named = planTools({ tools: [weather, time], tool_choice: { type: 'function', function: { name: 'time' } } });
    expect(named.toolConfig?.toolChoice).toEqual({ tool: { name: 'time' } });
    expect(named.forcesToolUse).toBe(true);
    expect(planTools({ tools: [weather], tool_choice: 'none' })).toEqual({ forcesToolUse: false });
  });

  it('refuses a named tool_choice that is not among the tools, and required without tools', () => {
    expect(() => planTools({ tools: [weather], tool_choice: { type: 'function', function: { name: 'nope' } } })).toThrow(/not in tools/);
    expect(() => planTools({ tool_choice: 'required' })).toThrow(/requires tools/);
    expect(() => planTools({ tools: [{ type: 'function', function: { name: 'has space' } }] })).toThrow(/Tool names/);
  });

  it('carries json_object through a forced synthetic tool', () => {
    const plan = planTools({ response_format: { type: 'json_object' } });
    expect(plan.jsonToolName).toBe('json_response');
    expect(plan.toolConfig?.toolChoice).toEqual({ tool: { name: 'json_response' } });
    expect(plan.toolConfig?.tools?.[0].toolSpec?.inputSchema).toEqual({ json: { type: 'object' } });
    expect(plan.forcesToolUse).toBe(true);
  });

  it('carries json_schema through a forced tool named after the schema, with the schema as input schema', () => {
    const schema = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'] };
    const plan = planTools({ response_format: { type: 'json_schema', json_schema: { name: 'final_answer', description: 'The result', schema } } });
    expect(plan.jsonToolName).toBe('final_answer');
    expect(plan.toolConfig?.tools).toEqual([{ toolSpec: { name: 'final_answer', description: 'The result', inputSchema: { json: schema } } }]);
  });

  it('avoids a name clash with the caller’s tools and lets the model choose between them and the JSON tool', () => {
    const clash: FunctionTool = { type: 'function', function: { name: 'json_response' } };
    const plan = planTools({ tools: [clash], response_format: { type: 'json_object' } });
    expect(plan.jsonToolName).toBe('json_response_2');
    expect(plan.toolConfig?.toolChoice).toEqual({ any: {} });
  });

  it('refuses a json_schema whose root is not an object', () => {
    expect(() => planTools({ response_format: { type: 'json_schema', json_schema: { name: 'list', schema: { type: 'array' } } } })).toThrow(/must describe a JSON object/);
  });
});
