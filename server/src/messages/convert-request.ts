import { errors } from '@switchyard/core';
import type { ChatCompletionRequest, FunctionTool, ToolChoice } from '@switchyard/spec';
import { convertMessages } from './convert-messages';
import { DROPPED_FIELDS } from './request-schema';
import type { AnthropicMessagesRequest, AnthropicOutputConfig, AnthropicThinkingConfig, AnthropicTool, AnthropicToolChoice } from './types';

export interface ConvertedRequest {
  request: ChatCompletionRequest;
  /** Fields the client sent that the gateway accepted but does not act on (e.g. top_k). */
  dropped: string[];
}

/**
 * A validated Anthropic Messages request as the canonical chat-completions request, so it runs
 * through the same dispatcher, pipelines, billing and usage as /v1/chat/completions.
 *
 * max_tokens becomes max_completion_tokens (both count thinking, as Anthropic's does); a stream
 * always asks for usage, which the Anthropic events report at the end.
 */
export function convertRequest(body: AnthropicMessagesRequest): ConvertedRequest {
  const request: ChatCompletionRequest = {
    model: body.model,
    messages: convertMessages(body.system, body.messages),
    max_completion_tokens: body.max_tokens,
  };
  if (body.stream) {
    request.stream = true;
    request.stream_options = { include_usage: true };
  }
  if (body.temperature !== undefined) request.temperature = body.temperature;
  if (body.top_p !== undefined) request.top_p = body.top_p;
  if (body.stop_sequences && body.stop_sequences.length > 0) request.stop = body.stop_sequences;
  if (body.metadata?.user_id) request.user = body.metadata.user_id;

  if (body.tools && body.tools.length > 0) request.tools = body.tools.map(convertTool);
  if (body.tool_choice) Object.assign(request, convertToolChoice(body.tool_choice, request.tools !== undefined));

  const effort = reasoningEffort(body.thinking, body.output_config);
  if (effort) request.reasoning_effort = effort;
  const format = body.output_config?.format;
  if (format) request.response_format = { type: 'json_schema', json_schema: { name: 'output', schema: format.schema, strict: true } };

  const dropped = DROPPED_FIELDS.filter((f) => (body as unknown as Record<string, unknown>)[f] !== undefined);
  return { request, dropped };
}

function convertTool(tool: AnthropicTool, i: number): FunctionTool {
  if (tool.type != null && tool.type !== 'custom') {
    throw errors.unsupported(`tools.${i}.type: Anthropic server tools ('${tool.type}') are not supported by this gateway; declare client tools with an input_schema`, `tools.${i}.type`);
  }
  if (!tool.input_schema) throw errors.invalidRequest(`tools.${i}.input_schema: Field required`, `tools.${i}.input_schema`, 'invalid_request');
  const fn: FunctionTool['function'] = { name: tool.name, parameters: tool.input_schema };
  if (tool.description !== undefined) fn.description = tool.description;
  if (tool.strict !== undefined) fn.strict = tool.strict;
  return { type: 'function', function: fn };
}

/** auto -> auto, any -> required, tool -> that function, none -> none; disable_parallel_tool_use -> parallel_tool_calls: false. */
function convertToolChoice(choice: AnthropicToolChoice, hasTools: boolean): Pick<ChatCompletionRequest, 'tool_choice' | 'parallel_tool_calls'> {
  if (!hasTools) {
    if (choice.type === 'auto' || choice.type === 'none') return {};
    throw errors.invalidRequest(`tool_choice: '${choice.type}' requires tools`, 'tool_choice', 'invalid_request');
  }
  let toolChoice: ToolChoice;
  switch (choice.type) {
    case 'auto':
      toolChoice = 'auto';
      break;
    case 'any':
      toolChoice = 'required';
      break;
    case 'tool':
      toolChoice = { type: 'function', function: { name: choice.name } };
      break;
    case 'none':
      return { tool_choice: 'none' };
  }
  return choice.disable_parallel_tool_use ? { tool_choice: toolChoice, parallel_tool_calls: false } : { tool_choice: toolChoice };
}

/** OpenAI's effort levels by the smallest Anthropic thinking budget that reaches them. */
const EFFORT_BY_BUDGET: Array<[number, 'low' | 'medium' | 'high']> = [
  [16_384, 'high'],
  [4_096, 'medium'],
  [0, 'low'],
];

/**
 * Anthropic sets reasoning by a token budget (thinking.budget_tokens) or an effort level
 * (output_config.effort); the canonical form has reasoning_effort only. A budget maps to the
 * level whose provider budgets it is closest to (the anthropic plugin turns low/medium/high back
 * into 2048/8192/16384): under 4096 is low, under 16384 medium, from there high. Adaptive
 * thinking lets the model decide, which reads as medium. An explicit effort wins over thinking.
 */
export function reasoningEffort(thinking: AnthropicThinkingConfig | undefined, output: AnthropicOutputConfig | undefined): ChatCompletionRequest['reasoning_effort'] | undefined {
  const effort = output?.effort;
  if (effort) return effort === 'xhigh' || effort === 'max' ? 'high' : effort;
  if (!thinking || thinking.type === 'disabled') return undefined;
  if (thinking.type === 'adaptive') return 'medium';
  return EFFORT_BY_BUDGET.find(([min]) => thinking.budget_tokens >= min)![1];
}
