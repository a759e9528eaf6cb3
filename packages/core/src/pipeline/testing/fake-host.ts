import type {
  BudgetCheck,
  BudgetDecision,
  ChatCompletion,
  ChatCompletionChunk,
  Clock,
  EmbeddingResponse,
  OpenedStream,
  PipelineHost,
  PipelineStores,
  PriceCard,
  RequestBody,
  ResponseBody,
  TargetCall,
  TargetRef,
} from '@switchyard/spec';
import { GatewayError } from '../../errors';
import { sleep } from '../clock';
import { createMemoryStores } from '../stores/memory';
import { ManualClock } from './manual-clock';

/*
 * A host whose upstreams follow a script, for executor and node tests. Each target
 * (`provider/model`) answers its calls in turn from a list of replies; the last one repeats.
 */

export type FakeReply =
  /** A chat completion (or the given body). */
  | { json?: ResponseBody; text?: string; usage?: { prompt_tokens: number; completion_tokens: number } }
  | { error: GatewayError | Error }
  /** A stream of these content pieces; `failAfter` chunks in, it throws `error`. */
  | { stream: string[]; failAfter?: number; error?: GatewayError | Error; chunkDelayMs?: number; usage?: { prompt_tokens: number; completion_tokens: number } }
  /** Waits on the clock (honouring the abort signal), then answers with `then`. */
  | { delayMs: number; then: FakeReply }
  /** Never answers; rejects with the signal's reason when aborted. */
  | { hang: true };

export interface FakeCall {
  target: TargetRef;
  request: RequestBody;
  call: TargetCall;
}

export interface FakeHostOptions {
  replies?: Record<string, FakeReply[]>;
  clock?: Clock;
  prices?: Record<string, PriceCard>;
  budget?: (check: BudgetCheck) => BudgetDecision;
  stores?: Partial<PipelineStores>;
  random?: () => number;
}

export function completion(model: string, text: string, usage = { prompt_tokens: 5, completion_tokens: 3 }): ChatCompletion {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

export function embedding(model: string): EmbeddingResponse {
  return { object: 'list', model, data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }], usage: { prompt_tokens: 2, total_tokens: 2 } };
}

export function chunk(model: string, delta: ChatCompletionChunk['choices'][number]['delta'], finish: ChatCompletionChunk['choices'][number]['finish_reason'] = null): ChatCompletionChunk {
  return { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [{ index: 0, delta, finish_reason: finish }] };
}

function abortable<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

export class FakeHost implements PipelineHost {
  readonly calls: FakeCall[] = [];
  readonly clock: Clock;
  readonly stores: PipelineStores;
  readonly random?: () => number;
  /** Streams whose consumer stopped early (return() reached the upstream, or an abort ended it). */
  cancelledStreams = 0;
  private readonly counters = new Map<string, number>();

  constructor(private readonly options: FakeHostOptions = {}) {
    this.clock = options.clock ?? new ManualClock();
    this.stores = { ...createMemoryStores(), ...options.stores };
    if (options.random) this.random = options.random;
  }

  callsTo(key: string): FakeCall[] {
    return this.calls.filter((c) => `${c.target.provider}/${c.target.model}` === key);
  }

  priceOf(provider: string, model: string): PriceCard | undefined {
    return this.options.prices?.[`${provider}/${model}`];
  }

  async checkBudget(check: BudgetCheck): Promise<BudgetDecision> {
    if (!this.options.budget) throw new Error('no budget configured in this fake host');
    return this.options.budget(check);
  }

  async invokeTarget(target: TargetRef, request: RequestBody, call: TargetCall): Promise<ResponseBody | OpenedStream> {
    this.calls.push({ target, request, call });
    const key = `${target.provider}/${target.model}`;
    const list = this.options.replies?.[key] ?? [{}];
    const n = this.counters.get(key) ?? 0;
    this.counters.set(key, n + 1);
    return this.answer(list[Math.min(n, list.length - 1)], target, call);
  }

  private async answer(reply: FakeReply, target: TargetRef, call: TargetCall): Promise<ResponseBody | OpenedStream> {
    if (call.signal.aborted) throw call.signal.reason;
    if ('delayMs' in reply) {
      await sleep(this.clock, reply.delayMs, call.signal);
      return this.answer(reply.then, target, call);
    }
    if ('hang' in reply) return abortable(call.signal, new Promise<never>(() => {}));
    if ('error' in reply && !('stream' in reply)) throw reply.error;
    if ('stream' in reply) return this.openStream(reply, target, call);
    if (reply.json) return reply.json;
    if (call.kind === 'embeddings') return embedding(target.model);
    if (call.kind === 'images') return { created: 1_700_000_000, data: [{ url: `https://images.example/${target.provider}.png` }] };
    return completion(target.model, reply.text ?? `ok from ${target.provider}/${target.model}`, reply.usage);
  }

  private openStream(reply: Extract<FakeReply, { stream: string[] }>, target: TargetRef, call: TargetCall): OpenedStream {
    const host = this;
    const pieces = reply.stream;
    const chunks: ChatCompletionChunk[] = [
      chunk(target.model, { role: 'assistant', content: '' }),
      ...pieces.map((p) => chunk(target.model, { content: p })),
      chunk(target.model, {}, 'stop'),
    ];
    if (reply.usage) {
      const u = reply.usage;
      chunks.push({ ...chunk(target.model, {}), choices: [], usage: { ...u, total_tokens: u.prompt_tokens + u.completion_tokens } });
    }
    if (reply.failAfter === 0) throw reply.error ?? new Error('failAfter 0 needs an error');
    async function* rest(): AsyncGenerator<ChatCompletionChunk> {
      let finished = false;
      try {
        for (let i = 1; i < chunks.length; i++) {
          if (reply.failAfter !== undefined && i >= reply.failAfter) {
            finished = true;
            throw reply.error ?? new GatewayError({ status: 502, type: 'upstream_error', message: 'stream broke' });
          }
          if (reply.chunkDelayMs) await sleep(host.clock, reply.chunkDelayMs, call.signal);
          if (call.signal.aborted) throw call.signal.reason;
          yield chunks[i];
        }
        finished = true;
      } finally {
        if (!finished) host.cancelledStreams++;
      }
    }
    return { first: chunks[0], rest: rest() };
  }
}
