import { errors, type FunctionTool, type ToolChoice as OpenAIToolChoice } from '@switchyard/plugin-kit';
import type { Tool, ToolChoice } from '@anthropic-ai/sdk/resources/messages';

/** OpenAI function tools as Anthropic custom tools; the JSON Schema moves to `input_schema`. */
export function convertTools(tools: FunctionTool[] | undefined): Tool[] {
  if (tools == null) return [];
  if (!Array.isArray(tools)) throw errors.invalidRequest('tools must be an array.', 'tools');
  return tools.map((tool, i) => {
    if (tool?.type !== 'function' || typeof tool.function?.name !== 'string' || tool.function.name === '') {
      throw errors.invalidRequest('Each tool must be {type: "function", function: {name, ...}}.', `tools[${i}]`);
    }
    const parameters = tool.function.parameters ?? {};
    // Anthropic requires an object schema at the root; OpenAI lets `parameters` be omitted.
    const inputSchema = { ...parameters, type: 'object' } as Tool.InputSchema;
    if (parameters.type !== undefined && parameters.type !== 'object') {
      throw errors.invalidRequest('Tool parameters must describe a JSON object.', `tools[${i}].function.parameters`);
    }
    return {
      name: tool.function.name,
      ...(tool.function.description ? { description: tool.function.description } : {}),
      input_schema: inputSchema,
    };
  });
}

/**
 * OpenAI's tool_choice and parallel_tool_calls as Anthropic's tool_choice: `required` is
 * `any`, a named function is `tool`, and `parallel_tool_calls: false` becomes
 * `disable_parallel_tool_use`. Without tools there is nothing to choose, so nothing is sent.
 */
export function convertToolChoice(choice: OpenAIToolChoice | undefined, parallelToolCalls: boolean | undefined, tools: Tool[]): ToolChoice | undefined {
  if (tools.length === 0) return undefined;
  const serial = parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined || choice === null) return parallelToolCalls === false ? { type: 'auto', ...serial } : undefined;
  if (choice === 'auto') return { type: 'auto', ...serial };
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any', ...serial };
  if (typeof choice === 'object' && choice.type === 'function' && typeof choice.function?.name === 'string') {
    const name = choice.function.name;
    if (!tools.some((t) => t.name === name)) throw errors.invalidRequest(`tool_choice names '${name}', which is not in tools.`, 'tool_choice');
    return { type: 'tool', name, ...serial };
  }
  throw errors.invalidRequest("tool_choice must be 'none', 'auto', 'required' or {type: 'function', function: {name}}.", 'tool_choice');
}
