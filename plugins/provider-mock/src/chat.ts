import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, FinishReason, ProviderCallContext, Usage } from '@switchyard/plugin-kit';
import { decideReply, promptText, type MockReply } from './reply';
import type { MockSettings } from './settings';
import { countTokens, streamPieces } from './tokens';

const FINGERPRINT = 'switchyard-mock';

interface Planned {
  reply: MockReply;
  pieces: string[];
  finish: FinishReason;
  usage: Usage;
}

/** Works out the whole answer up front: text (cut at max tokens), finish reason and usage. */
export function plan(request: ChatCompletionRequest, settings: MockSettings, ctx: ProviderCallContext): Planned {
  const reply = decideReply(request, settings, ctx.requestId);
  if (reply.text !== null && request.response_format && request.response_format.type !== 'text') {
    reply.text = JSON.stringify({ reply: reply.text });
  }
  let pieces = reply.text === null ? [] : streamPieces(reply.text);
  let finish: FinishReason = reply.toolCalls.length ? 'tool_calls' : 'stop';
  const limit = request.max_completion_tokens ?? request.max_tokens;
  if (limit && pieces.length > limit) {
    pieces = pieces.slice(0, limit);
    reply.text = pieces.join('');
    finish = 'length';
  }
  const completion = countTokens(reply.text ?? '') + reply.toolCalls.reduce((n, c) => n + countTokens(c.function.name + c.function.arguments), 0);
  const prompt = countTokens(promptText(request));
  return {
    reply,
    pieces,
    finish,
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
  };
}

export function toCompletion(p: Planned, model: string, id: string, n = 1): ChatCompletion {
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    system_fingerprint: FINGERPRINT,
    choices: Array.from({ length: n }, (_, index) => ({
      index,
      message: {
        role: 'assistant' as const,
        content: p.reply.text,
        refusal: null,
        ...(p.reply.toolCalls.length ? { tool_calls: p.reply.toolCalls } : {}),
      },
      finish_reason: p.finish,
      logprobs: null,
    })),
    usage: p.usage,
  };
}

/** The chunks of a streamed answer: role, words (or tool-call deltas), finish, then usage. */
export function* toChunks(p: Planned, model: string, id: string, n = 1): Generator<ChatCompletionChunk> {
  const created = Math.floor(Date.now() / 1000);
  for (let choice = 0; choice < n; choice++) {
    const chunk = (delta: ChatCompletionChunk['choices'][0]['delta'], finish: FinishReason | null = null): ChatCompletionChunk => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      system_fingerprint: FINGERPRINT,
      choices: [{ index: choice, delta, finish_reason: finish, logprobs: null }],
    });
    yield chunk({ role: 'assistant', content: '' });
    for (const piece of p.pieces) yield chunk({ content: piece });
    for (const [index, call] of p.reply.toolCalls.entries()) {
      yield chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] });
      // Arguments arrive in two halves, as real upstreams split them.
      const half = Math.ceil(call.function.arguments.length / 2);
      yield chunk({ tool_calls: [{ index, function: { arguments: call.function.arguments.slice(0, half) } }] });
      yield chunk({ tool_calls: [{ index, function: { arguments: call.function.arguments.slice(half) } }] });
    }
    yield chunk({}, p.finish);
  }
  yield { id, object: 'chat.completion.chunk', created, model, system_fingerprint: FINGERPRINT, choices: [], usage: p.usage };
}
