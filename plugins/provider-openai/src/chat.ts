import type OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionRequest } from '@switchyard/plugin-kit';
import { toGatewayError, type ErrorContext } from './errors';
import { normalizeCompletion } from './normalize';

type ChatParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;

/**
 * The upstream body of a non-streamed chat call: the canonical request as is (unknown fields
 * included, since the canonical form is OpenAI's), with the upstream model id, and without the
 * stream fields (OpenAI rejects stream_options when stream is off).
 */
export function chatBody(request: ChatCompletionRequest, model: string): Record<string, unknown> {
  const { stream: _stream, stream_options: _streamOptions, ...rest } = request;
  return { ...rest, model };
}

export async function createChatCompletion(client: OpenAI, body: Record<string, unknown>, signal: AbortSignal, errors: ErrorContext): Promise<ChatCompletion> {
  try {
    const completion = await client.chat.completions.create(body as unknown as ChatParams, { signal });
    return normalizeCompletion(completion, String(body.model));
  } catch (err) {
    throw toGatewayError(err, { ...errors, signal });
  }
}
