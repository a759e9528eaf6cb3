import type { ChatCompletionChunk, NodeContext, NodeOutcome, NodeTypeDefinition, Usage } from '@switchyard/spec';
import { errors } from '../../errors';
import { estimatePromptTokens } from '../tokens';
import { rateLimitManifest } from './rate-limit.manifest';

export interface RateLimitParams {
  rpm?: number;
  tpm?: number;
  scope?: 'key' | 'user' | 'pipeline' | 'global';
  usePrincipalLimits?: boolean;
}

interface RateLimitState {
  rpm?: number;
  tpm?: number;
  scope: 'key' | 'user' | 'pipeline' | 'global';
  usePrincipalLimits: boolean;
  /** `rl:<pipeline>:<node>:`; the scope id and unit are appended per request. */
  prefix: string;
  pipelineId: string;
}

const WINDOW_MS = 60_000;

function scopeId(ctx: NodeContext<RateLimitParams, RateLimitState>): string {
  const { scope } = ctx.state;
  if (scope === 'global') return 'global';
  if (scope === 'pipeline') return `pipeline:${ctx.state.pipelineId}`;
  if (scope === 'user') {
    const id = (ctx.input.user?.id as string | undefined) ?? ctx.input.principal?.userId;
    return id ? `user:${id}` : 'user:-';
  }
  const key = ctx.input.principal?.id;
  return key ? `key:${key}` : 'key:-';
}

/** Corrects the token counter from the usage the answer reports. */
function settleTokens(ctx: NodeContext<RateLimitParams, RateLimitState>, key: string, estimated: number, usage: Usage | null | undefined): void {
  if (!usage) return;
  const delta = usage.total_tokens - estimated;
  if (delta === 0) return;
  ctx.host.stores.rateLimits.adjust(key, delta, WINDOW_MS, ctx.now()).catch((err: Error) => ctx.host.logger?.warn({ err: err.message }, 'rate-limit store write failed'));
}

async function* settleAtEnd(
  ctx: NodeContext<RateLimitParams, RateLimitState>,
  key: string,
  estimated: number,
  stream: AsyncIterable<ChatCompletionChunk>,
): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  let usage: Usage | null | undefined;
  try {
    for await (const c of stream) {
      if (c.usage) usage = c.usage;
      yield c;
    }
  } finally {
    settleTokens(ctx, key, estimated, usage);
  }
}

export const rateLimitNode: NodeTypeDefinition<RateLimitParams, RateLimitState> = {
  manifest: rateLimitManifest,
  prepare(params, env) {
    const pipelineId = env.pipelineId ?? '-';
    return {
      rpm: params.rpm,
      tpm: params.tpm,
      scope: params.scope ?? 'key',
      usePrincipalLimits: params.usePrincipalLimits === true,
      prefix: `rl:${pipelineId}:${env.nodeId}:`,
      pipelineId,
    };
  },
  async execute(ctx): Promise<NodeOutcome> {
    const s = ctx.state;
    const own = s.usePrincipalLimits ? ctx.input.principal?.limits : undefined;
    const rpm = own?.rpm ?? s.rpm;
    const tpm = own?.tpm ?? s.tpm;
    const base = s.prefix + scopeId(ctx);
    const store = ctx.host.stores.rateLimits;
    const now = ctx.now();
    if (rpm !== undefined) {
      const d = await store.consume(`${base}:req`, 1, rpm, WINDOW_MS, now);
      if (!d.allowed) {
        ctx.decide('over the request limit');
        throw errors.rateLimited(`Rate limit reached: ${rpm} requests per minute for this ${s.scope}. Try again in ${Math.ceil(d.retryAfterMs / 1000)} s.`, d.retryAfterMs);
      }
    }
    let tokenKey: string | undefined;
    let estimated = 0;
    if (tpm !== undefined) {
      tokenKey = `${base}:tok`;
      estimated = estimatePromptTokens(ctx.kind, ctx.body);
      const d = await store.consume(tokenKey, estimated, tpm, WINDOW_MS, now);
      if (!d.allowed) {
        if (rpm !== undefined) await store.adjust(`${base}:req`, -1, WINDOW_MS, now); // this request did not happen
        ctx.decide('over the token limit');
        const why = estimated > tpm ? `This request (about ${estimated} tokens) is larger than the limit of ${tpm} tokens per minute.` : `Rate limit reached: ${tpm} tokens per minute for this ${s.scope}. Try again in ${Math.ceil(d.retryAfterMs / 1000)} s.`;
        throw errors.rateLimited(why, d.retryAfterMs, 'tokens_rate_limit_exceeded');
      }
    }
    ctx.decide('within limits');
    const outcome = await ctx.next('next');
    if (!tokenKey) return outcome;
    if (outcome.kind === 'stream') return { ...outcome, stream: settleAtEnd(ctx, tokenKey, estimated, outcome.stream) };
    settleTokens(ctx, tokenKey, estimated, (outcome.body as { usage?: Usage }).usage);
    return outcome;
  },
};
