import type { ContentBlock, DocumentFormat, Message, SystemContentBlock } from '@aws-sdk/client-bedrock-runtime';
import { errors } from '@switchyard/plugin-kit';
import type { ChatMessage, ContentPart, TextPart } from '@switchyard/plugin-kit';
import { parseDataUrl } from './data-url';
import type { ImageResolver } from './image-input';

/**
 * OpenAI messages -> Converse `system` + `messages`.
 * - system/developer messages become system blocks (wherever they appear);
 * - assistant tool calls become toolUse blocks, tool messages toolResult blocks in a user turn;
 * - consecutive turns of the same role are merged, since Converse requires alternation;
 * - when the request offers no tools, earlier tool calls and results are written out as text,
 *   because Converse refuses toolUse/toolResult blocks without a toolConfig;
 * - assistant `reasoning_content` is not sent back: Bedrock needs the provider's signature
 *   for reasoning blocks in history, which the OpenAI shape does not carry.
 */

export interface ConvertOptions {
  resolveImage: ImageResolver;
  /** Whether the request carries a toolConfig (tool blocks are only allowed then). */
  toolsAvailable: boolean;
}

export interface ConvertedConversation {
  system: SystemContentBlock[];
  messages: Message[];
}

export async function convertMessages(input: ChatMessage[], options: ConvertOptions): Promise<ConvertedConversation> {
  if (!Array.isArray(input) || input.length === 0) throw errors.invalidRequest('messages must be a non-empty array.', 'messages');
  const system: SystemContentBlock[] = [];
  const turns: Message[] = [];
  const toolNames = new Map<string, string>();

  for (let i = 0; i < input.length; i++) {
    const message = input[i];
    const param = `messages[${i}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        for (const text of textsOf(message.content, param)) system.push({ text });
        break;
      case 'user':
        push(turns, 'user', await userContent(message.content, param, options.resolveImage));
        break;
      case 'assistant': {
        const blocks: ContentBlock[] = [];
        for (const text of textsOf(message.content ?? '', param)) blocks.push({ text });
        for (let j = 0; j < (message.tool_calls ?? []).length; j++) {
          const call = message.tool_calls![j];
          toolNames.set(call.id, call.function.name);
          if (options.toolsAvailable) {
            blocks.push({ toolUse: { toolUseId: call.id, name: call.function.name, input: parseArguments(call.function.arguments, `${param}.tool_calls[${j}].function.arguments`) as never } });
          } else {
            blocks.push({ text: `[called tool ${call.function.name} (call id ${call.id}) with arguments ${call.function.arguments || '{}'}]` });
          }
        }
        push(turns, 'assistant', blocks);
        break;
      }
      case 'tool': {
        if (!message.tool_call_id) throw errors.invalidRequest('A tool message needs tool_call_id.', `${param}.tool_call_id`);
        const text = textsOf(message.content, param).join('\n');
        if (options.toolsAvailable) {
          push(turns, 'user', [{ toolResult: { toolUseId: message.tool_call_id, content: text ? [{ text }] : [] } }]);
        } else {
          const name = toolNames.get(message.tool_call_id) ?? 'tool';
          push(turns, 'user', [{ text: `[result of ${name} (call id ${message.tool_call_id})]: ${text || '(empty)'}` }]);
        }
        break;
      }
      default:
        throw errors.invalidRequest(`Unsupported message role '${(message as { role: string }).role}'.`, `${param}.role`);
    }
  }
  if (turns.length === 0) throw errors.invalidRequest('messages must contain at least one user or assistant message with content.', 'messages');
  for (const turn of turns) if (turn.role === 'user') toolResultsFirst(turn);
  return { system, messages: turns };
}

/** Appends a turn, merging it into the previous one when the role repeats. Empty turns are dropped. */
function push(turns: Message[], role: 'user' | 'assistant', content: ContentBlock[]): void {
  if (content.length === 0) return;
  const last = turns[turns.length - 1];
  if (last && last.role === role) last.content!.push(...content);
  else turns.push({ role, content });
}

// Anthropic models on Bedrock want the tool results of a turn before any other content.
function toolResultsFirst(turn: Message): void {
  const content = turn.content!;
  const results = content.filter((b) => 'toolResult' in b && b.toolResult);
  if (results.length === 0 || results.length === content.length) return;
  turn.content = [...results, ...content.filter((b) => !('toolResult' in b && b.toolResult))];
}

/** Text of a message's content; empty strings are dropped (Bedrock refuses blank text blocks). */
function textsOf(content: string | TextPart[] | null, param: string): string[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content.trim() === '' ? [] : [content];
  if (!Array.isArray(content)) throw errors.invalidRequest('content must be a string or an array of parts.', `${param}.content`);
  const out: string[] = [];
  content.forEach((part, j) => {
    if (part?.type !== 'text' || typeof part.text !== 'string') throw errors.invalidRequest('Only text parts are allowed here.', `${param}.content[${j}]`);
    if (part.text.trim() !== '') out.push(part.text);
  });
  return out;
}

async function userContent(content: string | ContentPart[], param: string, resolveImage: ImageResolver): Promise<ContentBlock[]> {
  if (typeof content === 'string') return content.trim() === '' ? [] : [{ text: content }];
  if (!Array.isArray(content)) throw errors.invalidRequest('content must be a string or an array of parts.', `${param}.content`);
  const blocks: ContentBlock[] = [];
  let documents = 0;
  for (let j = 0; j < content.length; j++) {
    const part = content[j];
    const partParam = `${param}.content[${j}]`;
    switch (part?.type) {
      case 'text':
        if (part.text.trim() !== '') blocks.push({ text: part.text });
        break;
      case 'image_url':
        blocks.push({ image: await resolveImage(part.image_url?.url ?? '', `${partParam}.image_url.url`) });
        break;
      case 'file':
        blocks.push({ document: documentBlock(part.file, partParam, ++documents) });
        break;
      case 'input_audio':
        throw errors.unsupported('Audio input is not supported by Bedrock Converse.', partParam);
      default:
        throw errors.invalidRequest(`Unsupported content part type '${(part as { type?: string })?.type}'.`, partParam);
    }
  }
  return blocks;
}

const DOCUMENT_FORMATS: Record<string, DocumentFormat> = {
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
};

function documentBlock(file: { file_data?: string; file_id?: string; filename?: string }, param: string, n: number) {
  if (!file?.file_data) throw errors.unsupported('Bedrock cannot read uploaded file ids; send the file inline as file_data (a data: URL).', `${param}.file`);
  const parsed = parseDataUrl(file.file_data);
  if (!parsed) throw errors.invalidRequest('file_data must be a data: URL.', `${param}.file.file_data`);
  const format = DOCUMENT_FORMATS[parsed.mimeType];
  if (!format) throw errors.unsupported(`Unsupported document type '${parsed.mimeType}'; Bedrock accepts pdf, csv, doc, docx, xls, xlsx, html, txt and md.`, `${param}.file.file_data`);
  return { format, name: documentName(file.filename, n), source: { bytes: parsed.bytes } };
}

// Bedrock allows letters, digits, single spaces, hyphens, parentheses and square brackets in names.
function documentName(filename: string | undefined, n: number): string {
  const base = (filename ?? '').replace(/\.[A-Za-z0-9]+$/, '').replace(/[^A-Za-z0-9\s\-()[\]]/g, '-').replace(/\s+/g, ' ').trim();
  return base || `document-${n}`;
}

function parseArguments(text: string, param: string): Record<string, unknown> {
  if (!text || text.trim() === '') return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw errors.invalidRequest('Tool call arguments must be a JSON object.', param);
}
