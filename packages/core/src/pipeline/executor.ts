import type {
  AttemptRecord,
  ChatCompletionChunk,
  DeliveryRecord,
  FlowChange,
  NodeContext,
  NodeOutcome,
  PipelineHost,
  PipelineInput,
  PipelineResult,
  RequestBody,
  RequestKind,
  TargetRef,
  TraceEntry,
} from '@switchyard/spec';
import { GatewayError } from '../errors';
import type { CompiledNode, CompiledPipeline } from './compile';
import { NEVER_ABORTED, abortError, summarizeError, toGatewayError } from './errors';
import { assembleCompletion, chunkTextLength, completionAsChunks, emptyStreamError, iterate } from './stream';
import type { ChatCompletion } from '@switchyard/spec';

/*
 * Runs a compiled pipeline for one request. Each node gets a small context object; `next()`
 * runs the node behind an output and returns its outcome (or throws a GatewayError), so
 * routers, retries and timeouts are ordinary code around `next()`. The trace and the attempt
 * records are filled in as nodes run.
 */

export type PipelineRunResult = PipelineResult<GatewayError>;

/** The per-branch state that flows down the graph. Shared, never mutated: changes make a new one. */
interface Flow {
  readonly body: RequestBody;
  readonly signal: AbortSignal;
  readonly attempt: number;
}

class Execution {
  readonly trace: TraceEntry[] = [];
  readonly attempts: AttemptRecord[] = [];
  /** Unexpected errors already noted in the trace (they travel up through every parent). */
  readonly reported = new WeakSet<GatewayError>();
  readonly t0: number;
  readonly kind: RequestKind;
  readonly stream: boolean;

  constructor(
    readonly pipeline: CompiledPipeline,
    readonly input: PipelineInput,
    readonly host: PipelineHost,
  ) {
    this.t0 = host.clock.now();
    this.kind = input.kind;
    this.stream = input.kind === 'chat' && input.stream;
  }

  elapsed(): number {
    return this.host.clock.now() - this.t0;
  }

  async run(node: CompiledNode, flow: Flow, parent: number | undefined): Promise<NodeOutcome> {
    const entry: TraceEntry = { nodeId: node.id, type: node.type, typeVersion: node.typeVersion, parent, startMs: this.elapsed(), status: 'running' };
    const index = this.trace.push(entry) - 1;
    try {
      const outcome = await node.definition.execute(new NodeRun(this, node, flow, index));
      entry.status = 'ok';
      return outcome;
    } catch (err) {
      const e = toGatewayError(err, node.id);
      entry.status = 'error';
      entry.error = summarizeError(e);
      if (e.code === 'pipeline_error' && !this.reported.has(e)) {
        // A bug or an unexpected failure (not a GatewayError): keep the cause for operators, once.
        this.reported.add(e);
        const cause = (e.cause ?? err) as Error | undefined;
        (entry.notes ??= []).push(`unexpected error: ${cause?.message ?? String(cause)}`);
        this.host.logger?.error({ nodeId: node.id, type: node.type, err: cause?.message }, 'pipeline node failed');
      }
      throw e;
    } finally {
      entry.durationMs = this.elapsed() - entry.startMs;
    }
  }
}

class NodeRun implements NodeContext {
  constructor(
    private readonly exec: Execution,
    private readonly node: CompiledNode,
    private readonly flow: Flow,
    private readonly traceIndex: number,
  ) {}

  get nodeId(): string {
    return this.node.id;
  }
  get params(): Record<string, unknown> {
    return this.node.params;
  }
  get state(): unknown {
    return this.node.state;
  }
  get input(): PipelineInput {
    return this.exec.input;
  }
  get body(): RequestBody {
    return this.flow.body;
  }
  get kind(): RequestKind {
    return this.exec.kind;
  }
  get stream(): boolean {
    return this.exec.stream;
  }
  get signal(): AbortSignal {
    return this.flow.signal;
  }
  get attempt(): number {
    return this.flow.attempt;
  }
  get host(): PipelineHost {
    return this.exec.host;
  }

  next(handle: string, change?: FlowChange): Promise<NodeOutcome> {
    const target = this.node.outputs[handle];
    if (!target) return Promise.reject(new GatewayError({ status: 500, type: 'server_error', message: `Pipeline node '${this.node.id}' has no output '${handle}'.`, code: 'pipeline_error', retryable: false }));
    if (this.flow.signal.aborted) return Promise.reject(abortError(this.flow.signal));
    const flow: Flow = change
      ? { body: change.body ?? this.flow.body, signal: change.signal ?? this.flow.signal, attempt: change.attempt ?? this.flow.attempt }
      : this.flow;
    return this.exec.run(target, flow, this.traceIndex);
  }

  decide(decision: string): void {
    this.exec.trace[this.traceIndex].decision = decision;
  }

  note(note: string): void {
    (this.exec.trace[this.traceIndex].notes ??= []).push(note);
  }

  now(): number {
    return this.exec.host.clock.now();
  }

  beginAttempt(target: TargetRef, stream: boolean): AttemptRecord {
    const record: AttemptRecord = {
      nodeId: this.node.id,
      provider: target.provider,
      model: target.model,
      attempt: this.flow.attempt,
      status: 'pending',
      startedAtMs: this.exec.elapsed(),
      stream,
    };
    if (target.credentialId !== undefined) record.credentialId = target.credentialId;
    this.exec.attempts.push(record);
    return record;
  }
}

function countDelivered(delivery: DeliveryRecord, chunk: ChatCompletionChunk): void {
  delivery.chunks++;
  delivery.contentChars += chunkTextLength(chunk);
  if (chunk.usage) delivery.usage = chunk.usage;
}

/** What the server relays: the first chunk (already here), then the rest; records what got through. */
async function* relay(first: ChatCompletionChunk, it: AsyncIterator<ChatCompletionChunk>, delivery: DeliveryRecord): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  try {
    countDelivered(delivery, first);
    yield first;
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      countDelivered(delivery, r.value);
      yield r.value;
    }
    delivery.status = 'completed';
  } catch (err) {
    const e = toGatewayError(err);
    delivery.status = 'failed';
    delivery.error = summarizeError(e);
    throw e;
  } finally {
    if (delivery.status === 'streaming') {
      delivery.status = 'cancelled';
      await it.return?.();
    }
  }
}

/** Runs `pipeline` for one request against `host`. Never throws. */
export async function runPipeline(pipeline: CompiledPipeline, input: PipelineInput, host: PipelineHost): Promise<PipelineRunResult> {
  const exec = new Execution(pipeline, input, host);
  // The run's record with the outcome's fields, by Object.assign onto a fresh literal: on Node 20
  // a leading-spread copy given new keys outlives young-generation collections, and would drag
  // the response along (docs/performance.md).
  const result = <T extends object>(fields: T) => Object.assign({ attempts: exec.attempts, trace: exec.trace, cacheHit: false, durationMs: exec.elapsed() }, fields);
  const fail = (err: unknown): PipelineRunResult => result({ ok: false as const, error: toGatewayError(err) });

  const signal = input.signal ?? NEVER_ABORTED;
  if (signal.aborted) return fail(abortError(signal));
  let outcome: NodeOutcome;
  try {
    outcome = await exec.run(pipeline.entry, { body: input.body, signal, attempt: 1 }, undefined);
  } catch (err) {
    return fail(err);
  }
  const cacheHit = outcome.cached === true;

  if (!exec.stream) {
    if (outcome.kind === 'json') return result({ cacheHit, target: outcome.target, ok: true as const, kind: 'json' as const, response: outcome.body });
    // A plugin node answered a JSON request with a stream: collect it.
    try {
      const chunks: ChatCompletionChunk[] = [];
      for await (const c of outcome.stream) chunks.push(c);
      const response = assembleCompletion(chunks);
      if (!response) throw emptyStreamError();
      return result({ cacheHit, target: outcome.target, ok: true as const, kind: 'json' as const, response });
    } catch (err) {
      return fail(err);
    }
  }

  const source = outcome.kind === 'stream' ? outcome.stream : iterate(completionAsChunks(outcome.body as ChatCompletion));
  const it = source[Symbol.asyncIterator]();
  let first: ChatCompletionChunk;
  try {
    // Wrappers (guards, timers) may still fail before the first chunk: that is a normal error answer.
    const r = await it.next();
    if (r.done) throw emptyStreamError();
    first = r.value;
  } catch (err) {
    return fail(err);
  }
  const delivery: DeliveryRecord = { chunks: 0, contentChars: 0, status: 'streaming' };
  return result({ cacheHit, target: outcome.target, ok: true as const, kind: 'stream' as const, stream: relay(first, it, delivery), delivery });
}
