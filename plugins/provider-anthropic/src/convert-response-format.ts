import { errors, type ResponseFormat } from '@switchyard/plugin-kit';
import type { Tool, ToolChoice } from '@anthropic-ai/sdk/resources/messages';

/*
 * JSON output without a JSON mode.
 *
 * Anthropic's Messages API has no response_format. Its structured-output option
 * (output_config.format) only exists on some models, so it cannot back a gateway that routes
 * the same request to any Claude model. What every tool-capable model does support is tool
 * use with a JSON Schema, and a tool's input is always a JSON object, which is exactly what
 * json_object and json_schema promise. So JSON output is requested as one extra tool whose
 * input schema is the wanted shape, and the model is made to call it; on the way back that
 * call's input becomes the message content (and the finish reason `stop`), never a tool call.
 *
 * - No tools of the caller's own (or tool_choice 'none'): the JSON tool is forced.
 * - Caller tools with auto/required: the model must call *some* tool (`any`): one of the
 *   caller's, which is returned as a tool call, or the JSON tool, which is the answer.
 * - A caller-named tool_choice wins: that turn is a tool call, not the final answer.
 * - Forced tool use is incompatible with extended thinking, so reasoning_effort together with
 *   a JSON response_format is refused with a 400 rather than silently dropping either.
 */

export interface ResponseFormatPlan {
  tools: Tool[];
  toolChoice: ToolChoice | undefined;
  /** The synthetic tool whose input is the answer, when JSON output was asked for. */
  jsonToolName?: string;
}

const JSON_TOOL_DESCRIPTION = 'Respond to the user with this tool. Its input is your whole answer, as a JSON object.';

/** `json`, unless the caller already has a tool by that name. */
export function pickJsonToolName(tools: Tool[]): string {
  const taken = new Set(tools.map((t) => t.name));
  if (!taken.has('json')) return 'json';
  let i = 1;
  while (taken.has(`json_response_${i}`)) i++;
  return `json_response_${i}`;
}

function jsonSchemaOf(format: Exclude<ResponseFormat, { type: 'text' }>): Tool.InputSchema {
  if (format.type === 'json_object') return { type: 'object', additionalProperties: true };
  const schema = format.json_schema?.schema ?? {};
  if (schema.type !== undefined && schema.type !== 'object') {
    throw errors.unsupported('On Anthropic, a json_schema response must describe a JSON object at its root.', 'response_format.json_schema.schema');
  }
  return { ...schema, type: 'object' } as Tool.InputSchema;
}

export function applyResponseFormat(
  format: ResponseFormat | undefined | null,
  tools: Tool[],
  toolChoice: ToolChoice | undefined,
  thinkingEnabled: boolean,
): ResponseFormatPlan {
  if (format == null || format.type === 'text') return { tools, toolChoice };
  if (format.type !== 'json_object' && format.type !== 'json_schema') {
    throw errors.invalidRequest(`Unknown response_format type '${(format as { type?: unknown }).type}'.`, 'response_format.type');
  }
  if (format.type === 'json_schema' && (typeof format.json_schema !== 'object' || format.json_schema === null)) {
    throw errors.invalidRequest('response_format.json_schema is required for type json_schema.', 'response_format.json_schema');
  }
  if (toolChoice?.type === 'tool') return { tools, toolChoice };
  if (thinkingEnabled) {
    throw errors.unsupported('On Anthropic, reasoning_effort cannot be combined with a JSON response_format (JSON output uses forced tool use, which extended thinking does not allow).', 'response_format');
  }

  const name = pickJsonToolName(tools);
  const description = format.type === 'json_schema' && format.json_schema.description ? format.json_schema.description : JSON_TOOL_DESCRIPTION;
  const jsonTool: Tool = { name, description, input_schema: jsonSchemaOf(format) };
  const callerMayUseTools = tools.length > 0 && toolChoice?.type !== 'none';
  if (!callerMayUseTools) {
    return { tools: [...tools, jsonTool], toolChoice: { type: 'tool', name, disable_parallel_tool_use: true }, jsonToolName: name };
  }
  const serial = toolChoice && 'disable_parallel_tool_use' in toolChoice && toolChoice.disable_parallel_tool_use ? { disable_parallel_tool_use: true } : {};
  return { tools: [...tools, jsonTool], toolChoice: { type: 'any', ...serial }, jsonToolName: name };
}
