import type OpenAI from 'openai';
import { GatewayError, type ChatCompletionChunk, type ChatCompletionRequest } from '@switchyard/plugin-kit';
import { toGatewayError, type ErrorContext } from './errors';
import { normalizeChunk, type ChunkFallback } from './normalize';

type StreamParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming;

/** The upstream body of a streamed chat call: always asks for usage, whatever the client asked. */
export function streamBody(request: ChatCompletionRequest, model: string): Record<string, unknown> {
  return { ...request, model, stream: true, stream_options: { ...(request.stream_options ?? {}), include_usage: true } };
}

/**
 * Relays the upstream's chunks as they arrive. Usage is held back and yielded last as its own
 * chunk (`choices: []`), also when an upstream puts it on a chunk that still has choices.
 */
export async function* streamChatCompletion(client: OpenAI, body: Record<string, unknown>, signal: AbortSignal, errors: ErrorContext): AsyncGenerator<ChatCompletionChunk> {
  let upstream: AsyncIterable<unknown>;
  try {
    upstream = await client.chat.completions.create(body as unknown as StreamParams, { signal });
  } catch (err) {
    throw toGatewayError(err, { ...errors, signal });
  }

  const fallback: ChunkFallback = { id: `chatcmpl-${Date.now().toString(36)}`, created: Math.floor(Date.now() / 1000), model: String(body.model) };
  let usageChunk: ChatCompletionChunk | undefined;
  let started = false;
  let finished = false;
  try {
    for await (const raw of upstream) {
      const chunk = normalizeChunk(raw, fallback);
      if (!started) {
        started = true;
        fallback.id = chunk.id;
        fallback.created = chunk.created;
      }
      for (const choice of chunk.choices) if (choice.finish_reason) finished = true;
      if (chunk.usage) {
        usageChunk = { id: chunk.id, object: 'chat.completion.chunk', created: chunk.created, model: chunk.model, choices: [], usage: chunk.usage };
        if (chunk.system_fingerprint) usageChunk.system_fingerprint = chunk.system_fingerprint;
        if (chunk.choices.length === 0) continue;
        chunk.usage = null;
      }
      yield chunk;
    }
  } catch (err) {
    throw toGatewayError(err, { ...errors, signal, streamStarted: started });
  }
  // The SDK ends its iteration quietly when the signal fires; the caller must see the abort.
  if (signal.aborted) throw signal.reason;
  if (!finished && !usageChunk) {
    throw new GatewayError({
      status: 502,
      type: 'upstream_error',
      code: 'upstream_stream_interrupted',
      message: `${errors.provider}: the upstream stream ended before the completion finished`,
      retryable: true,
    });
  }
  if (usageChunk) yield usageChunk;
}
