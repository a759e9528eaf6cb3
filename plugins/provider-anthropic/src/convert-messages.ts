import { errors, type AssistantMessage, type ChatMessage, type ContentPart, type TextPart, type ToolMessage, type UserMessage } from '@switchyard/plugin-kit';
import type { ContentBlockParam, MessageParam, TextBlockParam, ToolResultBlockParam, ToolUseBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { convertFileData, convertImageUrl } from './convert-image';

export interface ConvertedMessages {
  /** System and developer messages, in order, wherever they appeared in the history. */
  system?: TextBlockParam[];
  messages: MessageParam[];
}

type Turn = { role: 'user' | 'assistant'; content: ContentBlockParam[] };

function textBlocks(content: string | TextPart[] | null | undefined): TextBlockParam[] {
  if (content == null) return [];
  const parts = typeof content === 'string' ? [{ type: 'text' as const, text: content }] : content;
  // Anthropic rejects empty text blocks; an empty string carries nothing anyway.
  return parts.filter((p) => p.type === 'text' && typeof p.text === 'string' && p.text !== '').map((p) => ({ type: 'text', text: p.text }));
}

function userBlocks(message: UserMessage, at: number): ContentBlockParam[] {
  if (typeof message.content === 'string') return textBlocks(message.content);
  if (!Array.isArray(message.content)) throw errors.invalidRequest('User message content must be a string or an array of parts.', `messages[${at}].content`);
  const blocks: ContentBlockParam[] = [];
  message.content.forEach((part: ContentPart, j) => {
    const param = `messages[${at}].content[${j}]`;
    switch (part.type) {
      case 'text':
        blocks.push(...textBlocks([part]));
        break;
      case 'image_url':
        blocks.push(convertImageUrl(part.image_url?.url ?? '', `${param}.image_url.url`));
        break;
      case 'file':
        blocks.push(convertFileData(part.file ?? {}, param));
        break;
      case 'input_audio':
        throw errors.unsupported('Anthropic does not accept audio input.', `${param}.input_audio`);
      default:
        throw errors.invalidRequest(`Unknown content part type '${(part as { type?: unknown }).type}'.`, `${param}.type`);
    }
  });
  return blocks;
}

function toolInput(args: string, param: string): Record<string, unknown> {
  if (args.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw errors.invalidRequest('Tool call arguments must be valid JSON.', param, 'invalid_tool_arguments');
  }
  // Anthropic's tool_use.input is always an object.
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw errors.invalidRequest('Tool call arguments must be a JSON object for Anthropic.', param, 'invalid_tool_arguments');
  }
  return parsed as Record<string, unknown>;
}

/**
 * Assistant turns keep their text and tool calls. `reasoning_content` is not sent back:
 * Anthropic only accepts thinking blocks with the signature it issued, which the OpenAI shape
 * does not carry, and it does not need earlier thinking to continue.
 */
function assistantBlocks(message: AssistantMessage, at: number): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = textBlocks(message.content);
  (message.tool_calls ?? []).forEach((call, j) => {
    if (call.type !== undefined && call.type !== 'function') {
      throw errors.unsupported(`Tool calls of type '${call.type}' are not supported.`, `messages[${at}].tool_calls[${j}].type`);
    }
    const use: ToolUseBlockParam = {
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: toolInput(call.function.arguments ?? '', `messages[${at}].tool_calls[${j}].function.arguments`),
    };
    blocks.push(use);
  });
  return blocks;
}

function toolResultBlock(message: ToolMessage, at: number): ToolResultBlockParam {
  if (!message.tool_call_id) throw errors.invalidRequest('Tool messages need a tool_call_id.', `messages[${at}].tool_call_id`);
  const content = typeof message.content === 'string' ? message.content : textBlocks(message.content);
  return { type: 'tool_result', tool_use_id: message.tool_call_id, content };
}

// Anthropic wants a user turn's tool_result blocks before anything else in it.
function toolResultsFirst(blocks: ContentBlockParam[]): ContentBlockParam[] {
  return [...blocks.filter((b) => b.type === 'tool_result'), ...blocks.filter((b) => b.type !== 'tool_result')];
}

/**
 * OpenAI's flat message list as Anthropic's `system` plus alternating user/assistant turns.
 * Tool results travel in a user turn, so consecutive tool messages (answers to parallel calls)
 * and any user text after them merge into one user message, tool results first; any other
 * consecutive same-role messages merge too. A message left with no content is dropped.
 */
export function convertMessages(messages: ChatMessage[]): ConvertedMessages {
  if (!Array.isArray(messages) || messages.length === 0) throw errors.invalidRequest('messages must be a non-empty array.', 'messages');
  const system: TextBlockParam[] = [];
  const turns: Turn[] = [];
  const push = (role: Turn['role'], content: ContentBlockParam[]) => {
    if (content.length === 0) return;
    const last = turns[turns.length - 1];
    if (last && last.role === role) last.content = toolResultsFirst([...last.content, ...content]);
    else turns.push({ role, content });
  };

  messages.forEach((message, at) => {
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...textBlocks(message.content));
        break;
      case 'user':
        push('user', userBlocks(message, at));
        break;
      case 'assistant':
        push('assistant', assistantBlocks(message, at));
        break;
      case 'tool':
        push('user', [toolResultBlock(message, at)]);
        break;
      default:
        throw errors.invalidRequest(`Unsupported message role '${(message as { role?: unknown }).role}'.`, `messages[${at}].role`);
    }
  });

  if (turns.length === 0) throw errors.invalidRequest('messages must contain at least one user or assistant message with content.', 'messages');
  return { ...(system.length > 0 ? { system } : {}), messages: turns };
}
