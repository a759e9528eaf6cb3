import { errors } from '@switchyard/core';
import type { AssistantMessage, ChatMessage, ContentPart, ImagePart, TextPart, ToolCall, ToolMessage } from '@switchyard/spec';
import type { AnthropicDocumentBlock, AnthropicImageBlock, AnthropicInputBlock, AnthropicMessageParam, AnthropicTextBlock, AnthropicToolResultBlock } from './types';

/**
 * Anthropic's `system` plus user/assistant turns as the canonical (OpenAI-shaped) message list.
 *
 * - A user turn's tool_result blocks become `tool` messages, in order, before whatever else the
 *   turn holds (Anthropic requires tool results first, and OpenAI wants tool answers right
 *   after the assistant's calls). Images inside a tool result cannot ride in a canonical tool
 *   message, so they follow in a user message of their own.
 * - An assistant turn's text joins into `content`, tool_use blocks become `tool_calls`, thinking
 *   becomes `reasoning_content`; redacted thinking is encrypted for Anthropic alone and is dropped.
 * - `is_error` has no canonical field, so an error result says so in its text.
 */
export function convertMessages(system: string | AnthropicTextBlock[] | undefined, messages: AnthropicMessageParam[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  const systemText = system === undefined ? [] : typeof system === 'string' ? [system] : system.map((b) => b.text);
  if (systemText.some((t) => t !== '')) out.push({ role: 'system', content: textContent(systemText) });

  if (messages.length === 0) throw errors.invalidRequest('messages: at least one message is required', 'messages', 'invalid_request');
  messages.forEach((message, at) => {
    if (message.role === 'assistant') out.push(assistantMessage(message.content, `messages.${at}`));
    else out.push(...userMessages(message.content, `messages.${at}`));
  });
  return out;
}

/** One text stays a plain string (every upstream accepts that); several stay separate parts. */
function textContent(texts: string[]): string | TextPart[] {
  return texts.length === 1 ? texts[0] : texts.map((text) => ({ type: 'text', text }));
}

function userMessages(content: string | AnthropicInputBlock[], where: string): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const toolMessages: ChatMessage[] = [];
  const toolImages: ContentPart[] = [];
  const parts: ContentPart[] = [];
  content.forEach((block, i) => {
    const path = `${where}.content.${i}`;
    switch (block.type) {
      case 'tool_result': {
        const result = toolResult(block, path);
        toolMessages.push(result.message);
        toolImages.push(...result.images);
        break;
      }
      case 'text':
        parts.push({ type: 'text', text: block.text });
        break;
      case 'image':
        parts.push(imagePart(block, path));
        break;
      case 'document':
        parts.push(...documentParts(block, path));
        break;
      default:
        throw errors.invalidRequest(`${path}.type: '${block.type}' blocks are only allowed in assistant messages`, `${path}.type`, 'invalid_request');
    }
  });
  const out = [...toolMessages];
  if (toolImages.length > 0) out.push({ role: 'user', content: toolImages });
  if (parts.length > 0) out.push({ role: 'user', content: parts.every((p) => p.type === 'text') ? textContent(parts.map((p) => (p as TextPart).text)) : parts });
  if (out.length === 0) out.push({ role: 'user', content: '' });
  return out;
}

function assistantMessage(content: string | AnthropicInputBlock[], where: string): AssistantMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  const text: string[] = [];
  const reasoning: string[] = [];
  const calls: ToolCall[] = [];
  content.forEach((block, i) => {
    const path = `${where}.content.${i}`;
    switch (block.type) {
      case 'text':
        text.push(block.text);
        break;
      case 'thinking':
        reasoning.push(block.thinking);
        break;
      case 'redacted_thinking':
        break;
      case 'tool_use':
        calls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
        break;
      default:
        throw errors.invalidRequest(`${path}.type: '${block.type}' blocks are not allowed in assistant messages`, `${path}.type`, 'invalid_request');
    }
  });
  const message: AssistantMessage = { role: 'assistant', content: text.length > 0 ? text.join('') : null };
  if (calls.length > 0) message.tool_calls = calls;
  if (reasoning.length > 0) message.reasoning_content = reasoning.join('');
  return message;
}

function toolResult(block: AnthropicToolResultBlock, path: string): { message: ToolMessage; images: ContentPart[] } {
  const texts: string[] = [];
  const images: ContentPart[] = [];
  const content = block.content ?? '';
  if (typeof content === 'string') texts.push(content);
  else {
    content.forEach((inner, j) => {
      const innerPath = `${path}.content.${j}`;
      if (inner.type === 'text') texts.push(inner.text);
      else if (inner.type === 'image') images.push(imagePart(inner, innerPath));
      else if (inner.type === 'document') {
        for (const part of documentParts(inner, innerPath)) (part.type === 'text' ? texts.push(part.text) : images.push(part));
      } else throw unsupportedBlock(innerPath, (inner as { type: string }).type);
    });
  }
  let text = texts.join('\n');
  if (block.is_error) text = text ? `Error: ${text}` : 'Error';
  return { message: { role: 'tool', tool_call_id: block.tool_use_id, content: text }, images };
}

function imagePart(block: AnthropicImageBlock, path: string): ImagePart {
  const source = block.source;
  switch (source.type) {
    case 'base64':
      return { type: 'image_url', image_url: { url: `data:${source.media_type};base64,${source.data}` } };
    case 'url':
      return { type: 'image_url', image_url: { url: source.url } };
    default:
      throw errors.unsupported(`${path}.source.type: '${source.type}' image sources (the Files API) are not supported by this gateway; send the image as base64 or a URL`, `${path}.source.type`);
  }
}

/** A PDF travels as a file part; a plain-text or content document as its text (and images). */
function documentParts(block: AnthropicDocumentBlock, path: string): ContentPart[] {
  const source = block.source;
  switch (source.type) {
    case 'base64':
      if (source.media_type !== 'application/pdf') throw errors.invalidRequest(`${path}.source.media_type: Input should be 'application/pdf'`, `${path}.source.media_type`, 'invalid_request');
      return [{ type: 'file', file: { file_data: `data:application/pdf;base64,${source.data}`, ...(block.title ? { filename: block.title } : {}) } }];
    case 'text':
      return [{ type: 'text', text: source.data }];
    case 'content':
      if (typeof source.content === 'string') return [{ type: 'text', text: source.content }];
      return source.content.map((inner, j) => (inner.type === 'text' ? { type: 'text', text: inner.text } : imagePart(inner, `${path}.source.content.${j}`)));
    default:
      throw errors.unsupported(`${path}.source.type: '${source.type}' document sources are not supported by this gateway; send the document as base64 or text`, `${path}.source.type`);
  }
}

function unsupportedBlock(path: string, type: string) {
  return errors.unsupported(`${path}.type: '${type}' blocks are not supported by this gateway`, `${path}.type`);
}
