import { describe, expect, it } from 'vitest';
import type { Tool } from '@anthropic-ai/sdk/resources/messages';
import { applyResponseFormat, pickJsonToolName } from './convert-response-format';
import { gatewayFailure } from '../test/gateway-error';

const callerTool: Tool = { name: 'lookup', input_schema: { type: 'object' } };
const schema = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'] };

describe('applyResponseFormat', () => {
  it('changes nothing for text or no format', () => {
    expect(applyResponseFormat(undefined, [callerTool], { type: 'auto' }, false)).toEqual({ tools: [callerTool], toolChoice: { type: 'auto' } });
    expect(applyResponseFormat({ type: 'text' }, [], undefined, false)).toEqual({ tools: [], toolChoice: undefined });
  });

  it('forces a JSON tool accepting any object for json_object', () => {
    const plan = applyResponseFormat({ type: 'json_object' }, [], undefined, false);
    expect(plan.jsonToolName).toBe('json');
    expect(plan.tools).toEqual([{ name: 'json', description: expect.any(String), input_schema: { type: 'object', additionalProperties: true } }]);
    expect(plan.toolChoice).toEqual({ type: 'tool', name: 'json', disable_parallel_tool_use: true });
  });

  it('uses the json_schema schema and description as the tool input schema', () => {
    const plan = applyResponseFormat({ type: 'json_schema', json_schema: { name: 'answer', description: 'The answer.', schema } }, [], undefined, false);
    expect(plan.tools[0]).toEqual({ name: 'json', description: 'The answer.', input_schema: schema });
  });

  it('lets the model choose between caller tools and the JSON answer when tools may be used', () => {
    const plan = applyResponseFormat({ type: 'json_object' }, [callerTool], { type: 'auto', disable_parallel_tool_use: true }, false);
    expect(plan.tools.map((t) => t.name)).toEqual(['lookup', 'json']);
    expect(plan.toolChoice).toEqual({ type: 'any', disable_parallel_tool_use: true });
  });

  it("forces the JSON tool when the caller said tool_choice 'none'", () => {
    const plan = applyResponseFormat({ type: 'json_object' }, [callerTool], { type: 'none' }, false);
    expect(plan.toolChoice).toEqual({ type: 'tool', name: 'json', disable_parallel_tool_use: true });
  });

  it('leaves a caller-forced tool alone', () => {
    const plan = applyResponseFormat({ type: 'json_object' }, [callerTool], { type: 'tool', name: 'lookup' }, false);
    expect(plan).toEqual({ tools: [callerTool], toolChoice: { type: 'tool', name: 'lookup' } });
  });

  it('avoids a name clash with a caller tool called json', () => {
    expect(pickJsonToolName([{ name: 'json', input_schema: { type: 'object' } }])).toBe('json_response_1');
    expect(pickJsonToolName([])).toBe('json');
  });

  it('refuses non-object schemas and the combination with extended thinking', async () => {
    expect((await gatewayFailure(() => applyResponseFormat({ type: 'json_schema', json_schema: { name: 'list', schema: { type: 'array' } } }, [], undefined, false))).param).toBe(
      'response_format.json_schema.schema',
    );
    expect((await gatewayFailure(() => applyResponseFormat({ type: 'json_object' }, [], undefined, true))).param).toBe('response_format');
  });
});
