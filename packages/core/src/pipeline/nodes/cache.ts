import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, NodeContext, NodeTypeDefinition } from '@switchyard/spec';
import { assembleCompletion, completionAsChunks, iterate } from '../stream';
import { cacheManifest } from './cache.manifest';
import { cacheKey } from './cache-key';

export interface CacheParams {
  ttlSeconds?: number;
  scope?: 'global' | 'pipeline' | 'key' | 'user';
  namespace?: string;
  replayChunkChars?: number;
}

interface CacheState {
  ttlMs: number;
  scope: 'global' | 'pipeline' | 'key' | 'user';
  namespace: string;
  pipelineId: string;
  replayChunkChars: number;
}

function scopeId(ctx: NodeContext<CacheParams, CacheState>): string {
  switch (ctx.state.scope) {
    case 'global':
      return 'global';
    case 'pipeline':
      return `pipeline:${ctx.state.pipelineId}`;
    case 'user':
      return `user:${(ctx.input.user?.id as string | undefined) ?? ctx.input.principal?.userId ?? '-'}`;
    default:
      return `key:${ctx.input.principal?.id ?? '-'}`;
  }
}

function store(ctx: NodeContext<CacheParams, CacheState>, key: string, body: ChatCompletion | object): void {
  const now = ctx.now();
  ctx.host.stores.cache
    .set(key, { kind: ctx.kind, body: body as ChatCompletion, storedAt: now }, ctx.state.ttlMs, now)
    .catch((err: Error) => ctx.host.logger?.warn({ err: err.message }, 'cache store write failed'));
}

/** Passes the stream on and stores the assembled answer if it ends complete. */
async function* storeAtEnd(ctx: NodeContext<CacheParams, CacheState>, key: string, stream: AsyncIterable<ChatCompletionChunk>): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const c of stream) {
    chunks.push(c);
    yield c;
  }
  const complete = assembleCompletion(chunks);
  if (complete) store(ctx, key, complete);
}

export const cacheNode: NodeTypeDefinition<CacheParams, CacheState> = {
  manifest: cacheManifest,
  prepare(params, env) {
    return {
      ttlMs: (params.ttlSeconds ?? 300) * 1000,
      scope: params.scope ?? 'key',
      namespace: `${params.namespace ?? ''}\u0000${env.pipelineId ?? '-'}\u0000${env.nodeId}`,
      pipelineId: env.pipelineId ?? '-',
      replayChunkChars: params.replayChunkChars ?? 0,
    };
  },
  async execute(ctx) {
    const key = cacheKey({ namespace: ctx.state.namespace, scope: scopeId(ctx), kind: ctx.kind, body: ctx.body });
    const hit = await ctx.host.stores.cache.get(key, ctx.now());
    if (hit && hit.kind === ctx.kind) {
      ctx.decide('hit');
      if (!ctx.stream) return { kind: 'json', body: hit.body, cached: true };
      const includeUsage = (ctx.body as ChatCompletionRequest).stream_options?.include_usage === true;
      const chunks = completionAsChunks(hit.body as ChatCompletion, { includeUsage, chunkChars: ctx.state.replayChunkChars });
      return { kind: 'stream', stream: iterate(chunks), cached: true };
    }
    ctx.decide('miss');
    const outcome = await ctx.next('next');
    if (outcome.cached) return outcome;
    if (outcome.kind === 'stream') return { ...outcome, stream: storeAtEnd(ctx, key, outcome.stream) };
    store(ctx, key, outcome.body);
    return outcome;
  },
};
