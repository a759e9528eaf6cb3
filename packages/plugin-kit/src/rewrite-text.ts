import type { ChatCompletion, ChatCompletionChunk, NodeOutcome } from '@switchyard/spec';

/**
 * Rewrites the assistant text of one choice as it streams. `push` gets each new piece and returns
 * what may be released now (it may hold text back, e.g. the start of a pattern that could still
 * match); `flush` returns whatever is held when the choice ends.
 */
export interface TextRewriter {
  push(text: string): string;
  flush(): string;
}

/** Applies `rewrite` to the content of every choice of a non-streamed chat completion. */
export function rewriteCompletionText(completion: ChatCompletion, rewrite: (text: string) => string): ChatCompletion {
  return {
    ...completion,
    choices: completion.choices.map((choice) => {
      const content = choice.message.content;
      if (typeof content !== 'string') return choice;
      return { ...choice, message: { ...choice.message, content: rewrite(content) } };
    }),
  };
}

/**
 * Rewrites the `delta.content` of a chat stream, one rewriter per choice. Held text is released
 * in the chunk that finishes its choice; if the stream ends without one, a last chunk carries it.
 * Chunks are passed on as they come (copies, when changed): nothing else is buffered.
 */
export async function* rewriteStreamText(stream: AsyncIterable<ChatCompletionChunk>, createRewriter: (choiceIndex: number) => TextRewriter): AsyncGenerator<ChatCompletionChunk> {
  const rewriters = new Map<number, TextRewriter>();
  const rewriterFor = (index: number) => {
    let r = rewriters.get(index);
    if (!r) {
      r = createRewriter(index);
      rewriters.set(index, r);
    }
    return r;
  };
  let last: ChatCompletionChunk | undefined;
  for await (const chunk of stream) {
    last = chunk;
    if (chunk.choices.length === 0) {
      yield chunk;
      continue;
    }
    const choices = chunk.choices.map((choice) => {
      const piece = typeof choice.delta.content === 'string' ? choice.delta.content : undefined;
      if (piece === undefined && choice.finish_reason === null) return choice;
      const r = rewriterFor(choice.index);
      let content = piece === undefined ? '' : r.push(piece);
      if (choice.finish_reason !== null) {
        content += r.flush();
        rewriters.delete(choice.index);
      }
      if (piece === undefined && content === '') return choice;
      return { ...choice, delta: { ...choice.delta, content } };
    });
    yield { ...chunk, choices };
  }
  // A stream that ended without finishing a choice still gets the text held for it.
  const pending = [...rewriters.entries()].map(([index, r]) => ({ index, text: r.flush() })).filter((p) => p.text !== '');
  if (last && pending.length > 0) {
    yield {
      id: last.id,
      object: 'chat.completion.chunk',
      created: last.created,
      model: last.model,
      choices: pending.map((p) => ({ index: p.index, delta: { content: p.text }, finish_reason: null })),
    };
  }
}

/**
 * Rewrites the assistant text of a node outcome, streamed or not: the usual last step of a node
 * that changes what the model said. Embedding and image answers pass through untouched.
 */
export function rewriteOutcomeText(outcome: NodeOutcome, rewrite: (text: string) => string, createRewriter: (choiceIndex: number) => TextRewriter): NodeOutcome {
  if (outcome.kind === 'stream') return { ...outcome, stream: rewriteStreamText(outcome.stream, createRewriter) };
  const body = outcome.body as Partial<ChatCompletion>;
  if (body.object !== 'chat.completion') return outcome;
  return { ...outcome, body: rewriteCompletionText(outcome.body as ChatCompletion, rewrite) };
}
