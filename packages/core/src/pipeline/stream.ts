import type { ChatCompletion, ChatCompletionChunk, ChatCompletionMessage, FinishReason, OpenedStream, ToolCall } from '@switchyard/spec';
import { GatewayError } from '../errors';

/*
 * Chat streams inside the pipeline are AsyncIterables of canonical chunks whose first chunk has
 * already arrived upstream. Nodes that need to see the stream (timeouts, breakers, guards, the
 * cache) wrap it in another iterable; cancelling the outermost one cancels all of them.
 */

export function emptyStreamError(): GatewayError {
  return new GatewayError({
    status: 502,
    type: 'upstream_error',
    message: 'The upstream closed the stream before sending anything.',
    code: 'empty_stream',
    retryable: true,
  });
}

/**
 * For hosts: waits for the first chunk of a provider stream, so failures before it are thrown
 * here (where routers can still fall back) rather than mid-relay.
 */
export async function openStream(source: AsyncIterable<ChatCompletionChunk>): Promise<OpenedStream> {
  const it = source[Symbol.asyncIterator]();
  const r = await it.next();
  if (r.done) throw emptyStreamError();
  return { first: r.value, rest: it };
}

/** The opened stream as one iterable: the first chunk, then the rest; cancelling releases the upstream. */
export async function* chunksOf(opened: OpenedStream): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  let finished = false;
  try {
    yield opened.first;
    for (;;) {
      const r = await opened.rest.next();
      if (r.done) break;
      yield r.value;
    }
    finished = true;
  } finally {
    if (!finished) await opened.rest.return?.();
  }
}

export function isOpenedStream(value: unknown): value is OpenedStream {
  return typeof value === 'object' && value !== null && 'first' in value && 'rest' in value && typeof (value as OpenedStream).rest?.next === 'function';
}

/** Characters of text a chunk carries (content, reasoning, refusal). */
export function chunkTextLength(chunk: ChatCompletionChunk): number {
  let n = 0;
  for (const c of chunk.choices) {
    const d = c.delta;
    if (!d) continue;
    if (typeof d.content === 'string') n += d.content.length;
    if (typeof d.reasoning_content === 'string') n += d.reasoning_content.length;
    if (typeof d.refusal === 'string') n += d.refusal.length;
  }
  return n;
}

interface ChoiceAcc {
  content: string;
  hasContent: boolean;
  refusal: string | null;
  reasoning: string;
  tools: ToolCall[];
  finish: FinishReason | null;
}

/**
 * Rebuilds the complete answer from its chunks (for the cache). Returns undefined when the
 * stream did not finish every choice.
 */
export function assembleCompletion(chunks: readonly ChatCompletionChunk[]): ChatCompletion | undefined {
  if (chunks.length === 0) return undefined;
  const choices = new Map<number, ChoiceAcc>();
  let usage: ChatCompletion['usage'];
  for (const chunk of chunks) {
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) {
      let acc = choices.get(c.index);
      if (!acc) {
        acc = { content: '', hasContent: false, refusal: null, reasoning: '', tools: [], finish: null };
        choices.set(c.index, acc);
      }
      const d = c.delta ?? {};
      if (typeof d.content === 'string') {
        acc.content += d.content;
        acc.hasContent = true;
      }
      if (typeof d.refusal === 'string') acc.refusal = (acc.refusal ?? '') + d.refusal;
      if (typeof d.reasoning_content === 'string') acc.reasoning += d.reasoning_content;
      for (const t of d.tool_calls ?? []) {
        const call = (acc.tools[t.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
        if (t.id) call.id = t.id;
        if (t.function?.name) call.function.name += t.function.name;
        if (t.function?.arguments) call.function.arguments += t.function.arguments;
      }
      if (c.finish_reason) acc.finish = c.finish_reason;
    }
  }
  if (choices.size === 0) return undefined;
  const first = chunks[0];
  const out: ChatCompletion = {
    id: first.id,
    object: 'chat.completion',
    created: first.created,
    model: first.model,
    choices: [],
  };
  for (const [index, acc] of [...choices.entries()].sort((a, b) => a[0] - b[0])) {
    if (!acc.finish) return undefined;
    const message: ChatCompletionMessage = { role: 'assistant', content: acc.hasContent || acc.tools.length === 0 ? acc.content : null, refusal: acc.refusal };
    if (acc.tools.length > 0) message.tool_calls = acc.tools.filter(Boolean);
    if (acc.reasoning) message.reasoning_content = acc.reasoning;
    out.choices.push({ index, message, finish_reason: acc.finish, logprobs: null });
  }
  if (usage) out.usage = usage;
  if (first.system_fingerprint) out.system_fingerprint = first.system_fingerprint;
  return out;
}

/** Plays a complete answer back as chunks (cache hits for stream requests, fixed replies). */
export function* completionAsChunks(
  completion: ChatCompletion,
  options: { includeUsage?: boolean; chunkChars?: number } = {},
): Generator<ChatCompletionChunk, void, undefined> {
  // Each chunk is built by chunkOf, not as `{ ...base, choices }`: on Node 20 a leading-spread
  // copy given new keys outlives young-generation collections (docs/performance.md).
  const base = { id: completion.id, object: 'chat.completion.chunk' as const, created: completion.created, model: completion.model };
  const size = options.chunkChars && options.chunkChars > 0 ? options.chunkChars : Infinity;
  for (const choice of completion.choices) {
    const m = choice.message;
    yield chunkOf(base, [{ index: choice.index, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    if (m.reasoning_content) yield chunkOf(base, [{ index: choice.index, delta: { reasoning_content: m.reasoning_content }, finish_reason: null }]);
    const text = m.content ?? '';
    for (let i = 0; i < text.length; i += size) {
      yield chunkOf(base, [{ index: choice.index, delta: { content: text.slice(i, i + size) }, finish_reason: null }]);
    }
    if (m.refusal) yield chunkOf(base, [{ index: choice.index, delta: { refusal: m.refusal }, finish_reason: null }]);
    if (m.tool_calls?.length) {
      yield chunkOf(base, [
        {
          index: choice.index,
          delta: { tool_calls: m.tool_calls.map((t, i) => ({ index: i, id: t.id, type: 'function' as const, function: { name: t.function.name, arguments: t.function.arguments } })) },
          finish_reason: null,
        },
      ]);
    }
    yield chunkOf(base, [{ index: choice.index, delta: {}, finish_reason: choice.finish_reason }]);
  }
  if (options.includeUsage && completion.usage) yield { id: base.id, object: base.object, created: base.created, model: base.model, choices: [], usage: completion.usage };
}

function chunkOf(base: Omit<ChatCompletionChunk, 'choices' | 'usage'>, choices: ChatCompletionChunk['choices']): ChatCompletionChunk {
  return { id: base.id, object: base.object, created: base.created, model: base.model, choices };
}

export async function* iterate<T>(items: Iterable<T>): AsyncGenerator<T, void, undefined> {
  for (const item of items) yield item;
}
