import type { ChatCompletion, ChatCompletionMessage, ToolCall } from '@switchyard/plugin-kit';
import type { Message } from '@anthropic-ai/sdk/resources/messages';
import type { ResponseContext } from './convert-request';
import { mapFinishReason } from './map-finish-reason';
import { mapUsage } from './map-usage';

/**
 * A finished Anthropic message as an OpenAI chat completion. Text blocks join into `content`,
 * thinking blocks into `reasoning_content` (redacted thinking is encrypted and has no text to
 * show), tool_use blocks become tool calls, except the synthetic JSON tool whose input is the
 * answer itself. A refusal keeps any partial text and reports Anthropic's explanation in
 * `refusal`. Server-side tool blocks (web search and the like) are not part of the OpenAI shape.
 */
export function convertResponse(message: Message, context: ResponseContext, created = Math.floor(Date.now() / 1000)): ChatCompletion {
  const text: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: ToolCall[] = [];
  let jsonAnswer: string | undefined;

  for (const block of message.content ?? []) {
    switch (block.type) {
      case 'text':
        text.push(block.text);
        break;
      case 'thinking':
        reasoning.push(block.thinking);
        break;
      case 'tool_use':
        if (context.jsonToolName !== undefined && block.name === context.jsonToolName) {
          jsonAnswer = JSON.stringify(block.input ?? {});
        } else {
          toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
        }
        break;
      default:
        break;
    }
  }

  const refusal = message.stop_reason === 'refusal' ? (message.stop_details?.explanation ?? null) : null;
  const out: ChatCompletionMessage = {
    role: 'assistant',
    // Forced tool use emits no preamble, but if text did come, it would make the JSON unparsable.
    content: jsonAnswer ?? (text.length > 0 ? text.join('') : null),
    refusal,
  };
  if (toolCalls.length > 0) out.tool_calls = toolCalls;
  if (reasoning.length > 0) out.reasoning_content = reasoning.join('');

  // The JSON tool is how the model gives its final answer, not a call for the client to run.
  const finish = message.stop_reason === 'tool_use' && jsonAnswer !== undefined && toolCalls.length === 0 ? 'stop' : mapFinishReason(message.stop_reason);

  return {
    id: message.id,
    object: 'chat.completion',
    created,
    model: message.model,
    choices: [{ index: 0, message: out, finish_reason: finish, logprobs: null }],
    usage: mapUsage(message.usage ?? {}),
  };
}
