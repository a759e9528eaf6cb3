import type { Content, Part } from '@google/genai';
import { errors, type ChatMessage, type ContentPart, type TextPart, type ToolCall } from '@switchyard/plugin-kit';
import { guessMimeType, isHttpUrl, parseDataUrl } from './media';
import { SKIP_SIGNATURE, signatureOf } from './tool-call-id';

export interface GeminiConversation {
  contents: Content[];
  systemInstruction?: Content;
}

/**
 * OpenAI messages to Gemini contents:
 * - system and developer messages, wherever they stand, join the one `systemInstruction`
 *   Gemini has;
 * - assistant turns become role `model` (text, then one functionCall part per tool call);
 * - tool results become functionResponse parts, consecutive results sharing one `user` turn,
 *   because Gemini wants every response to a parallel call in the turn after it.
 */
export function toGeminiConversation(messages: ChatMessage[]): GeminiConversation {
  const system: Part[] = [];
  const contents: Content[] = [];
  const callNames = new Map<string, string>();
  let toolTurn: Content | undefined;

  messages.forEach((message, index) => {
    if (message.role !== 'tool') toolTurn = undefined;
    switch (message.role) {
      case 'system':
      case 'developer':
        for (const text of textsOf(message.content)) system.push({ text });
        return;
      case 'user':
        contents.push({ role: 'user', parts: userParts(message.content, index) });
        return;
      case 'assistant': {
        const parts = assistantParts(message.content, message.tool_calls ?? [], index);
        for (const call of message.tool_calls ?? []) callNames.set(call.id, call.function.name);
        // Gemini refuses a turn without parts; an empty assistant message says nothing anyway.
        if (parts.length > 0) contents.push({ role: 'model', parts });
        return;
      }
      case 'tool': {
        const name = callNames.get(message.tool_call_id);
        if (name === undefined) {
          throw errors.invalidRequest(
            `messages[${index}].tool_call_id '${message.tool_call_id}' does not match a tool call of an earlier assistant message.`,
            `messages[${index}].tool_call_id`,
          );
        }
        const part: Part = { functionResponse: { name, response: functionResponseBody(textsOf(message.content).join('')) } };
        if (toolTurn) toolTurn.parts!.push(part);
        else {
          toolTurn = { role: 'user', parts: [part] };
          contents.push(toolTurn);
        }
        return;
      }
      default:
        throw errors.invalidRequest(`messages[${index}].role '${(message as { role?: unknown }).role}' is not supported.`, `messages[${index}].role`);
    }
  });

  if (contents.length === 0) {
    throw errors.invalidRequest('messages must contain at least one user, assistant or tool message besides system messages.', 'messages');
  }
  return system.length > 0 ? { contents, systemInstruction: { parts: system } } : { contents };
}

function textsOf(content: string | TextPart[] | null | undefined): string[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return [content];
  return content.filter((p) => p.type === 'text').map((p) => p.text);
}

function userParts(content: string | ContentPart[], index: number): Part[] {
  if (typeof content === 'string') return [{ text: content }];
  if (content.length === 0) return [{ text: '' }];
  return content.map((part, j) => userPart(part, `messages[${index}].content[${j}]`));
}

function userPart(part: ContentPart, where: string): Part {
  switch (part.type) {
    case 'text':
      return { text: part.text };
    case 'image_url': {
      const url = part.image_url?.url ?? '';
      const inline = url.startsWith('data:') ? parseDataUrl(url) : undefined;
      if (inline) return { inlineData: inline };
      if (isHttpUrl(url)) {
        // An image part with an unknown extension is still an image; JPEG is the common case.
        return { fileData: { fileUri: url, mimeType: guessMimeType(url) ?? 'image/jpeg' } };
      }
      throw errors.invalidRequest(`${where}.image_url.url must be an http(s) URL or a base64 data: URL.`, `${where}.image_url.url`);
    }
    case 'input_audio':
      return { inlineData: { mimeType: part.input_audio.format === 'mp3' ? 'audio/mp3' : 'audio/wav', data: part.input_audio.data } };
    case 'file': {
      const data = part.file.file_data;
      if (data) {
        const inline = data.startsWith('data:') ? parseDataUrl(data) : undefined;
        if (inline) return { inlineData: inline };
        const mimeType = part.file.filename ? guessMimeType(part.file.filename) : undefined;
        if (mimeType) return { inlineData: { mimeType, data } };
        throw errors.invalidRequest(`${where}.file.file_data needs a data: URL or a filename with a known extension to tell its type.`, `${where}.file`);
      }
      throw errors.unsupported(`${where}.file.file_id is not supported by Gemini; send the file's bytes in file_data.`, `${where}.file.file_id`);
    }
    default:
      throw errors.unsupported(`${where}: content part type '${(part as { type?: unknown }).type}' is not supported by Gemini.`, `${where}.type`);
  }
}

/**
 * The model's side of the conversation. Reasoning text is not sent back: Gemini reads only its
 * own signed thoughts, which travel in the tool call ids (see tool-call-id.ts).
 */
function assistantParts(content: string | TextPart[] | null | undefined, toolCalls: ToolCall[], index: number): Part[] {
  const parts: Part[] = textsOf(content)
    .filter((text) => text !== '')
    .map((text) => ({ text }));
  const calls = toolCalls.map((call, j) => {
    const part: Part = { functionCall: { name: call.function.name, args: parseArguments(call.function.arguments, `messages[${index}].tool_calls[${j}].function.arguments`) } };
    const signature = signatureOf(call.id);
    if (signature) part.thoughtSignature = signature;
    return part;
  });
  if (calls.length > 0 && !calls.some((part) => part.thoughtSignature)) calls[0].thoughtSignature = SKIP_SIGNATURE;
  return [...parts, ...calls];
}

function parseArguments(text: string, where: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw errors.invalidRequest(`${where} is not valid JSON.`, where);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw errors.invalidRequest(`${where} must be a JSON object.`, where);
  }
  return value as Record<string, unknown>;
}

/**
 * Gemini's functionResponse.response is a JSON object. A tool result that is a JSON object is
 * sent as it is; anything else goes under `output`, the key Gemini documents for a function's
 * output.
 */
function functionResponseBody(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Plain text.
  }
  return { output: text };
}
