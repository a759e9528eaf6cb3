import { errors, type ChatCompletionRequest } from '@switchyard/plugin-kit';
import type { MessageCreateParamsBase } from '@anthropic-ai/sdk/resources/messages';
import { convertMessages } from './convert-messages';
import { planTokens } from './convert-reasoning';
import { applyResponseFormat } from './convert-response-format';
import { convertToolChoice, convertTools } from './convert-tools';

/** What the response side must know about how the request was translated. */
export interface ResponseContext {
  /** The synthetic tool carrying a JSON response_format answer (see convert-response-format). */
  jsonToolName?: string;
}

export interface ConvertedRequest {
  params: Omit<MessageCreateParamsBase, 'stream'>;
  context: ResponseContext;
}

function stopSequences(stop: ChatCompletionRequest['stop']): string[] | undefined {
  if (stop == null) return undefined;
  const list = typeof stop === 'string' ? [stop] : stop;
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string')) throw errors.invalidRequest('stop must be a string or an array of strings.', 'stop');
  return list.length > 0 ? list : undefined;
}

/**
 * The canonical (OpenAI) request as Anthropic Messages parameters.
 *
 * Not carried over, because Anthropic has no equivalent: presence/frequency penalties,
 * logit_bias, logprobs, seed. With thinking enabled Anthropic refuses a modified
 * temperature/top_p, so those are left out then. OpenAI's temperature runs to 2,
 * Anthropic's to 1: higher values are sent as 1, the most random Anthropic allows.
 */
export function convertRequest(request: ChatCompletionRequest, model: string, defaults: { defaultMaxTokens: number }): ConvertedRequest {
  if (request.n != null && request.n !== 1) {
    throw errors.unsupported('Anthropic returns exactly one choice per request; n must be 1.', 'n');
  }
  const { system, messages } = convertMessages(request.messages);
  const tokens = planTokens(request, defaults.defaultMaxTokens);
  const tools = convertTools(request.tools);
  const format = applyResponseFormat(request.response_format, tools, convertToolChoice(request.tool_choice, request.parallel_tool_calls, tools), tokens.thinking !== undefined);

  const params: Omit<MessageCreateParamsBase, 'stream'> = { model, max_tokens: tokens.maxTokens, messages };
  if (system) params.system = system;
  if (tokens.thinking) params.thinking = tokens.thinking;
  if (!tokens.thinking) {
    if (typeof request.temperature === 'number') params.temperature = Math.min(1, Math.max(0, request.temperature));
    if (typeof request.top_p === 'number') params.top_p = request.top_p;
  }
  const stop = stopSequences(request.stop);
  if (stop) params.stop_sequences = stop;
  if (format.tools.length > 0) params.tools = format.tools;
  if (format.toolChoice) params.tool_choice = format.toolChoice;
  if (typeof request.user === 'string' && request.user !== '') params.metadata = { user_id: request.user };

  return { params, context: format.jsonToolName ? { jsonToolName: format.jsonToolName } : {} };
}
