import type { Tool, ToolChoice, ToolConfiguration } from '@aws-sdk/client-bedrock-runtime';
import { errors } from '@switchyard/plugin-kit';
import type { ChatCompletionRequest, FunctionTool } from '@switchyard/plugin-kit';

/**
 * OpenAI tools, tool_choice and response_format -> Converse toolConfig.
 *
 * Converse has no JSON mode, so response_format json_object/json_schema is carried by a
 * synthetic tool whose input schema is the requested schema; the model is made to call it
 * and the call's input comes back as the message content. With the caller's own tools also
 * present, the model must either call one of them or answer through the JSON tool.
 */

export interface ToolPlan {
  toolConfig?: ToolConfiguration;
  /** The synthetic tool carrying response_format JSON, when one was added. */
  jsonToolName?: string;
  /** Whether the model is forced to call some tool (Anthropic refuses that with extended thinking). */
  forcesToolUse: boolean;
}

const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

export function planTools(request: Pick<ChatCompletionRequest, 'tools' | 'tool_choice' | 'response_format'>): ToolPlan {
  const choice = request.tool_choice;
  const userTools = choice === 'none' ? [] : (request.tools ?? []).map(toToolSpec);
  const names = new Set(userTools.map((t) => t.toolSpec!.name!));
  const jsonTool = jsonToolFor(request.response_format, names);

  const tools: Tool[] = jsonTool ? [...userTools, jsonTool] : userTools;
  if (tools.length === 0) {
    if (typeof choice === 'object' || choice === 'required') throw errors.invalidRequest('tool_choice requires tools.', 'tool_choice');
    return { forcesToolUse: false };
  }
  const jsonToolName = jsonTool?.toolSpec?.name;
  const toolChoice = toolChoiceFor(choice, names, jsonToolName, userTools.length > 0);
  const toolConfig: ToolConfiguration = toolChoice ? { tools, toolChoice } : { tools };
  return { toolConfig, jsonToolName, forcesToolUse: Boolean(toolChoice && !('auto' in toolChoice && toolChoice.auto)) };
}

function toToolSpec(tool: FunctionTool, index: number): Tool {
  const param = `tools[${index}]`;
  if (tool?.type !== 'function' || !tool.function) throw errors.invalidRequest("Only tools of type 'function' are supported.", `${param}.type`);
  const { name, description, parameters } = tool.function;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw errors.invalidRequest('Tool names must be 1-64 characters of letters, digits, underscores and hyphens.', `${param}.function.name`);
  }
  const schema = parameters ?? { type: 'object', properties: {} };
  return { toolSpec: { name, ...(description ? { description } : {}), inputSchema: { json: schema as never } } };
}

function jsonToolFor(format: ChatCompletionRequest['response_format'], taken: Set<string>): Tool | undefined {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') {
    return {
      toolSpec: {
        name: freeName('json_response', taken),
        description: 'Give your complete answer as a JSON object through this tool.',
        inputSchema: { json: { type: 'object' } as never },
      },
    };
  }
  if (format.type === 'json_schema') {
    const spec = format.json_schema;
    const schema = spec?.schema ?? { type: 'object' };
    if (schema.type !== undefined && schema.type !== 'object') {
      throw errors.unsupported('On Bedrock, response_format.json_schema.schema must describe a JSON object (tool inputs are objects).', 'response_format.json_schema.schema');
    }
    const preferred = spec?.name && NAME_PATTERN.test(spec.name) ? spec.name : 'json_response';
    return {
      toolSpec: {
        name: freeName(preferred, taken),
        description: spec?.description ?? 'Give your complete answer as a JSON object matching this schema through this tool.',
        inputSchema: { json: schema as never },
      },
    };
  }
  throw errors.invalidRequest(`Unsupported response_format type '${(format as { type: string }).type}'.`, 'response_format.type');
}

function freeName(preferred: string, taken: Set<string>): string {
  if (!taken.has(preferred)) return preferred;
  for (let i = 2; ; i++) if (!taken.has(`${preferred}_${i}`)) return `${preferred}_${i}`;
}

function toolChoiceFor(choice: ChatCompletionRequest['tool_choice'], names: Set<string>, jsonToolName: string | undefined, hasUserTools: boolean): ToolChoice | undefined {
  if (typeof choice === 'object' && choice !== null) {
    const name = choice.function?.name;
    if (!name || !names.has(name)) throw errors.invalidRequest(`tool_choice names a function that is not in tools: '${name}'.`, 'tool_choice');
    return { tool: { name } };
  }
  if (jsonToolName) {
    // The answer must come through a tool: the JSON one alone, or any when the caller's tools compete.
    return hasUserTools ? { any: {} } : { tool: { name: jsonToolName } };
  }
  if (choice === 'required') return { any: {} };
  if (choice === 'auto') return { auto: {} };
  if (choice === undefined || choice === null || choice === 'none') return undefined;
  throw errors.invalidRequest(`Unsupported tool_choice '${String(choice)}'.`, 'tool_choice');
}
