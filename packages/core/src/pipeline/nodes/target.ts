import type { AttemptRecord, ChatCompletionChunk, NodeContext, NodeTypeDefinition, OpenedStream, ResponseBody, TargetCall, TargetRef, Usage } from '@switchyard/spec';
import { GatewayError } from '../../errors';
import { summarizeError, toGatewayError } from '../errors';
import { isOpenedStream } from '../stream';
import { targetManifest } from './target.manifest';

export interface TargetParams {
  provider: string;
  model?: string;
  credentialId?: string;
  params?: Record<string, unknown>;
}

interface TargetState {
  /** The ref when the model is fixed (made once); else built per request from the request's model. */
  fixed?: TargetRef;
  provider: string;
  credentialId?: string;
  overrides?: Readonly<Record<string, unknown>>;
  decision?: string;
}

function refFor(ctx: NodeContext<TargetParams, TargetState>): TargetRef {
  const s = ctx.state;
  if (s.fixed) return s.fixed;
  const ref: TargetRef = { provider: s.provider, model: String((ctx.body as { model?: unknown }).model ?? '') };
  if (s.credentialId !== undefined) ref.credentialId = s.credentialId;
  if (s.overrides) ref.params = s.overrides;
  return ref;
}

/** Follows an attempt's stream to its end, so the record says how it ended and what came through. */
async function* tracked(ctx: NodeContext, opened: OpenedStream, record: AttemptRecord, startedAt: number): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  let ended = false;
  let chunks = 1;
  let usage: Usage | undefined = opened.first.usage ?? undefined;
  try {
    yield opened.first;
    for (;;) {
      const r = await opened.rest.next();
      if (r.done) break;
      chunks++;
      if (r.value.usage) usage = r.value.usage;
      yield r.value;
    }
    ended = true;
    record.status = 'ok';
  } catch (err) {
    ended = true;
    const e = toGatewayError(err, ctx.nodeId);
    record.status = 'error';
    record.error = summarizeError(e);
    record.failedMidStream = true;
    throw e;
  } finally {
    record.latencyMs = ctx.now() - startedAt;
    record.chunks = chunks;
    if (usage) record.usage = usage;
    if (!ended) {
      record.status = 'cancelled';
      await opened.rest.return?.();
    }
  }
}

export const targetNode: NodeTypeDefinition<TargetParams, TargetState> = {
  manifest: targetManifest,
  prepare(params) {
    const overrides = params.params && Object.keys(params.params).length > 0 ? Object.freeze(structuredClone(params.params)) : undefined;
    const state: TargetState = { provider: params.provider, credentialId: params.credentialId, overrides };
    if (params.model) {
      state.fixed = { provider: params.provider, model: params.model };
      if (params.credentialId !== undefined) state.fixed.credentialId = params.credentialId;
      if (overrides) state.fixed.params = overrides;
      state.decision = `${params.provider}/${params.model}`;
    }
    return state;
  },
  async execute(ctx) {
    const s = ctx.state;
    const target = refFor(ctx);
    ctx.decide(s.decision ?? `${target.provider}/${target.model}`);
    const body = s.overrides ? (Object.assign({}, ctx.body, s.overrides) as typeof ctx.body) : ctx.body;
    const call: TargetCall = {
      kind: ctx.kind,
      stream: ctx.stream,
      signal: ctx.signal,
      attempt: ctx.attempt,
      requestId: ctx.input.requestId,
      nodeId: ctx.nodeId,
      pipelineId: ctx.input.pipelineId,
      principal: ctx.input.principal,
    };
    const record = ctx.beginAttempt(target, ctx.stream);
    const startedAt = ctx.now();
    let answer: ResponseBody | OpenedStream;
    try {
      answer = await ctx.host.invokeTarget(target, body, call);
    } catch (err) {
      const e = toGatewayError(err, ctx.nodeId);
      record.status = 'error';
      record.error = summarizeError(e);
      record.latencyMs = ctx.now() - startedAt;
      throw e;
    }
    if (ctx.stream) {
      if (!isOpenedStream(answer)) {
        record.status = 'error';
        throw new GatewayError({ status: 500, type: 'server_error', message: 'The host returned no stream for a streamed request.', code: 'pipeline_error', retryable: false });
      }
      record.ttftMs = ctx.now() - startedAt;
      return { kind: 'stream', stream: tracked(ctx, answer, record, startedAt), target };
    }
    record.status = 'ok';
    record.latencyMs = ctx.now() - startedAt;
    const usage = (answer as { usage?: Usage }).usage;
    if (usage && typeof usage.total_tokens === 'number') record.usage = usage as Usage;
    return { kind: 'json', body: answer as ResponseBody, target };
  },
};
