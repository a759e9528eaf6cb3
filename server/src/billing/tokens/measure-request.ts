import type { ChatCompletionRequest, ChatMessage, ContentPart, EmbeddingRequest, ImageGenerationRequest } from '@switchyard/spec';
import type { Endpoint } from '../../dispatch/hooks';
import type { ModelTokenizer } from './encoders';

/** What a request can use at most, for its reservation. */
export interface RequestMeasure {
  promptTokens: number;
  maxOutputTokens: number;
  images?: { count: number; size?: string; quality?: string };
}

// Non-text inputs have no text to count. These are generous bounds (an image costs at most
// about 1,500 tokens at OpenAI's high detail and 1,600 at Anthropic's largest size; audio runs
// near ten tokens a second; a PDF page is text plus a page image).
export const IMAGE_INPUT_TOKENS = 2_500;
const AUDIO_BYTES_PER_TOKEN = 1_600;
const FILE_BYTES_PER_TOKEN = 25;
// OpenAI's chat format: a few tokens of framing per message and for the reply's start.
const TOKENS_PER_MESSAGE = 4;
const REPLY_PRIMING = 3;

const base64Bytes = (b64: string | undefined) => Math.ceil(((b64?.length ?? 0) * 3) / 4);

interface Tally {
  raw: number; // text tokens, before the family's margin
  fixed: number; // estimates for non-text parts
}

function countParts(content: string | ContentPart[] | null | undefined, tok: ModelTokenizer, t: Tally): void {
  if (content == null) return;
  if (typeof content === 'string') {
    t.raw += tok.count(content);
    return;
  }
  for (const part of content) {
    switch (part.type) {
      case 'text':
        t.raw += tok.count(part.text);
        break;
      case 'image_url':
        t.fixed += IMAGE_INPUT_TOKENS;
        break;
      case 'input_audio':
        t.fixed += Math.ceil(base64Bytes(part.input_audio.data) / AUDIO_BYTES_PER_TOKEN);
        break;
      case 'file':
        t.fixed += part.file.file_data ? Math.ceil(base64Bytes(part.file.file_data) / FILE_BYTES_PER_TOKEN) : IMAGE_INPUT_TOKENS;
        break;
      default:
        t.raw += tok.count(JSON.stringify(part));
    }
  }
}

function countMessage(m: ChatMessage, tok: ModelTokenizer, t: Tally): void {
  t.raw += TOKENS_PER_MESSAGE + tok.count(m.role);
  if ('name' in m && m.name) t.raw += tok.count(m.name) + 1;
  countParts(m.content as string | ContentPart[] | null | undefined, tok, t);
  if (m.role === 'assistant') {
    for (const call of m.tool_calls ?? []) t.raw += TOKENS_PER_MESSAGE + tok.count(call.function.name) + tok.count(call.function.arguments);
    if (m.reasoning_content) t.raw += tok.count(m.reasoning_content);
  }
}

function measureChat(req: ChatCompletionRequest, tok: ModelTokenizer, defaultMaxOutput: number): RequestMeasure {
  const t: Tally = { raw: REPLY_PRIMING, fixed: 0 };
  for (const m of req.messages ?? []) countMessage(m, tok, t);
  if (req.tools?.length) t.raw += tok.count(JSON.stringify(req.tools));
  if (req.response_format?.type === 'json_schema') t.raw += tok.count(JSON.stringify(req.response_format.json_schema));
  const perChoice = req.max_completion_tokens ?? req.max_tokens ?? defaultMaxOutput;
  return { promptTokens: tok.total(t.raw) + t.fixed, maxOutputTokens: perChoice * Math.max(1, req.n ?? 1) };
}

function measureEmbeddings(req: EmbeddingRequest, tok: ModelTokenizer): RequestMeasure {
  const inputs: unknown[] = Array.isArray(req.input) && (req.input.length === 0 || typeof req.input[0] !== 'number') ? req.input : [req.input];
  let raw = 0;
  let ids = 0; // inputs already given as token ids are exact
  for (const input of inputs) {
    if (typeof input === 'string') raw += tok.count(input);
    else if (Array.isArray(input)) ids += input.length;
  }
  return { promptTokens: tok.total(raw) + ids, maxOutputTokens: 0 };
}

function measureImages(req: ImageGenerationRequest, tok: ModelTokenizer): RequestMeasure {
  return {
    promptTokens: tok.total(tok.count(req.prompt ?? '')),
    maxOutputTokens: 0,
    images: { count: Math.max(1, req.n ?? 1), size: req.size ?? undefined, quality: req.quality ?? undefined },
  };
}

/** The most a request can use: its prompt counted with the model's tokenizer, and its output limit. */
export function measureRequest(endpoint: Endpoint, request: unknown, tok: ModelTokenizer, defaultMaxOutput: number): RequestMeasure {
  switch (endpoint) {
    case 'chat':
    case 'messages': // /v1/messages is converted to the canonical chat form before dispatch
      return measureChat(request as ChatCompletionRequest, tok, defaultMaxOutput);
    case 'embeddings':
      return measureEmbeddings(request as EmbeddingRequest, tok);
    case 'images':
      return measureImages(request as ImageGenerationRequest, tok);
  }
}
