import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  ChatCompletionRequest,
  ChatMessage,
  EmbeddingRequest,
  ImageGenerationRequest,
  NodeContext,
  NodeTypeDefinition,
  RequestBody,
  RequestKind,
} from '@switchyard/spec';
import { guardManifest } from './guard.manifest';
import { StreamRedactor, compileRules, guardText, type GuardRule, type GuardRuleParams } from './guard-rules';

export interface GuardParams {
  direction?: 'request' | 'response' | 'both';
  rules: GuardRuleParams[];
  roles?: string[];
  streamWindow?: number;
}

interface GuardState {
  rules: GuardRule[];
  checkRequest: boolean;
  checkResponse: boolean;
  roles: ReadonlySet<string> | undefined;
  window: number;
}

function guardContent<T extends ChatMessage['content'] | undefined | null>(rules: readonly GuardRule[], content: T): T {
  if (typeof content === 'string') return guardText(rules, content, 'Request') as T;
  if (!Array.isArray(content)) return content;
  let out: unknown[] | undefined;
  content.forEach((part, i) => {
    if (part?.type !== 'text') return;
    const text = guardText(rules, part.text, 'Request');
    if (text !== part.text) {
      out ??= [...content];
      out[i] = { ...part, text };
    }
  });
  return (out ?? content) as T;
}

/** The request with its text guarded; the same object when nothing changed. */
function guardRequest(s: GuardState, kind: RequestKind, body: RequestBody): RequestBody {
  if (kind === 'chat') {
    const b = body as ChatCompletionRequest;
    let messages: ChatMessage[] | undefined;
    b.messages.forEach((m, i) => {
      if (s.roles && !s.roles.has(m.role)) return;
      const content = guardContent(s.rules, m.content);
      if (content !== m.content) {
        messages ??= [...b.messages];
        messages[i] = { ...m, content } as ChatMessage;
      }
    });
    return messages ? { ...b, messages } : body;
  }
  if (kind === 'embeddings') {
    const b = body as EmbeddingRequest;
    if (typeof b.input === 'string') {
      const input = guardText(s.rules, b.input, 'Request');
      return input === b.input ? body : { ...b, input };
    }
    if (Array.isArray(b.input) && b.input.every((x) => typeof x === 'string')) {
      const input = (b.input as string[]).map((x) => guardText(s.rules, x, 'Request'));
      return input.some((x, i) => x !== (b.input as string[])[i]) ? { ...b, input } : body;
    }
    return body;
  }
  const b = body as ImageGenerationRequest;
  const prompt = guardText(s.rules, b.prompt, 'Request');
  return prompt === b.prompt ? body : { ...b, prompt };
}

function guardCompletion(rules: readonly GuardRule[], body: ChatCompletion): ChatCompletion {
  let choices: ChatCompletion['choices'] | undefined;
  body.choices.forEach((c, i) => {
    const m = c.message;
    const content = typeof m.content === 'string' ? guardText(rules, m.content, 'Response') : m.content;
    const reasoning = typeof m.reasoning_content === 'string' ? guardText(rules, m.reasoning_content, 'Response') : m.reasoning_content;
    if (content !== m.content || reasoning !== m.reasoning_content) {
      choices ??= [...body.choices];
      const message = { ...m, content };
      if (reasoning !== undefined) message.reasoning_content = reasoning;
      choices[i] = { ...c, message };
    }
  });
  return choices ? { ...body, choices } : body;
}

const TEXT_FIELDS = ['content', 'reasoning_content'] as const;

/** A chunk that carries nothing after redaction held its text back. */
function isHollow(chunk: ChatCompletionChunk): boolean {
  if (chunk.usage || chunk.choices.length === 0) return false;
  for (const c of chunk.choices) {
    if (c.finish_reason) return false;
    for (const [k, v] of Object.entries(c.delta ?? {})) if (!(TEXT_FIELDS as readonly string[]).includes(k) || v !== '') return false;
  }
  return true;
}

/** Redacts (or blocks) a stream, holding back at most `window` characters per choice and field. */
async function* guardStream(s: GuardState, stream: AsyncIterable<ChatCompletionChunk>): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  const redactors = new Map<string, StreamRedactor>();
  const redactor = (index: number, field: string) => {
    const key = `${index}:${field}`;
    let r = redactors.get(key);
    if (!r) {
      r = new StreamRedactor(s.rules, s.window);
      redactors.set(key, r);
    }
    return r;
  };
  let last: ChatCompletionChunk | undefined;
  const flushChunk = (): ChatCompletionChunk | undefined => {
    const choices: ChatCompletionChunkChoice[] = [];
    for (const [key, r] of redactors) {
      if (!r.held) continue;
      const [index, field] = key.split(':');
      const text = r.push('', true);
      choices.push({ index: Number(index), delta: { [field]: text }, finish_reason: null });
    }
    return choices.length > 0 && last ? { ...last, choices, usage: undefined } : undefined;
  };

  for await (const chunk of stream) {
    last = chunk;
    if (chunk.choices.length === 0) {
      const flushed = flushChunk();
      if (flushed) yield flushed;
      yield chunk;
      continue;
    }
    let changed = false;
    const choices = chunk.choices.map((c) => {
      const final = c.finish_reason != null;
      let delta = c.delta;
      for (const field of TEXT_FIELDS) {
        const v = c.delta?.[field];
        if (typeof v !== 'string' && !(final && redactors.get(`${c.index}:${field}`)?.held)) continue;
        const out = redactor(c.index, field).push(typeof v === 'string' ? v : '', final);
        if (out !== v) {
          delta = { ...delta, [field]: out };
          changed = true;
        }
      }
      return delta === c.delta ? c : { ...c, delta };
    });
    const next = changed ? { ...chunk, choices } : chunk;
    if (!isHollow(next)) yield next;
  }
  const flushed = flushChunk();
  if (flushed) yield flushed;
}

export const guardNode: NodeTypeDefinition<GuardParams, GuardState> = {
  manifest: guardManifest,
  prepare(params) {
    const direction = params.direction ?? 'both';
    return {
      rules: compileRules(params.rules),
      checkRequest: direction !== 'response',
      checkResponse: direction !== 'request',
      roles: params.roles ? new Set(params.roles) : undefined,
      window: params.streamWindow ?? 256,
    };
  },
  async execute(ctx: NodeContext<GuardParams, GuardState>) {
    const s = ctx.state;
    let body = ctx.body;
    if (s.checkRequest) {
      try {
        body = guardRequest(s, ctx.kind, ctx.body);
      } catch (err) {
        ctx.decide('request blocked');
        throw err;
      }
    }
    const redacted = body !== ctx.body;
    ctx.decide(redacted ? 'request redacted' : 'request passed');
    const outcome = await ctx.next('next', redacted ? { body } : undefined);
    if (!s.checkResponse || ctx.kind !== 'chat') return outcome;
    if (outcome.kind === 'stream') return { ...outcome, stream: guardStream(s, outcome.stream) };
    try {
      const guarded = guardCompletion(s.rules, outcome.body as ChatCompletion);
      if (guarded !== outcome.body) ctx.note('response redacted');
      return guarded === outcome.body ? outcome : { ...outcome, body: guarded };
    } catch (err) {
      ctx.decide('response blocked');
      throw err;
    }
  },
};
