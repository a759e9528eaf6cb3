import type { ImageGenerationRequest, NodeContext, NodeTypeDefinition, PriceCard, TargetSpec } from '@switchyard/spec';
import { estimatePromptTokens, maxOutputTokens } from '../tokens';
import { lowestCostManifest } from './lowest-cost.manifest';
import { prepareRoute, tryInOrder, type RouteState, type RouterParams } from './route';

export interface LowestCostParams extends RouterParams {
  assumedOutputTokens?: number;
}

interface LowestCostState extends RouteState {
  /** The first target behind each branch: its price stands for the branch. */
  targetOf: Readonly<Record<string, TargetSpec | undefined>>;
  assumedOutputTokens: number;
}

/** What one request would cost at `price`, in credits. Undefined when the card does not cover the request. */
export function estimateCost(ctx: Pick<NodeContext, 'kind' | 'body'>, price: PriceCard, assumedOutputTokens: number): number | undefined {
  if (ctx.kind === 'images') {
    const b = ctx.body as ImageGenerationRequest;
    const per = price.perImage?.[`${b.size ?? '1024x1024'}/${b.quality ?? 'standard'}`] ?? price.perImage?.['*'];
    return per === undefined ? undefined : per * (b.n ?? 1);
  }
  const prompt = estimatePromptTokens(ctx.kind, ctx.body);
  if (ctx.kind === 'embeddings') {
    const rate = price.embeddingPer1M ?? price.inputPer1M;
    return rate === undefined ? undefined : (prompt * rate) / 1e6;
  }
  if (price.inputPer1M === undefined && price.outputPer1M === undefined) return undefined;
  const output = maxOutputTokens(ctx.kind, ctx.body) ?? assumedOutputTokens;
  return (prompt * (price.inputPer1M ?? 0) + output * (price.outputPer1M ?? 0)) / 1e6;
}

export const lowestCostNode: NodeTypeDefinition<LowestCostParams, LowestCostState> = {
  manifest: lowestCostManifest,
  prepare(params, env) {
    const route = prepareRoute(params);
    const targetOf: Record<string, TargetSpec | undefined> = Object.create(null);
    for (const h of route.handles) targetOf[h] = env.targetsBehind(h)[0];
    return { ...route, targetOf, assumedOutputTokens: params.assumedOutputTokens ?? 256 };
  },
  async execute(ctx) {
    const s = ctx.state;
    const model = (ctx.body as { model?: string }).model ?? '';
    const priced = await Promise.all(
      s.handles.map(async (h, i) => {
        const t = s.targetOf[h];
        const price = t && ctx.host.priceOf ? await ctx.host.priceOf(t.provider, t.model ?? model) : undefined;
        return { h, i, cost: price ? estimateCost(ctx, price, s.assumedOutputTokens) : undefined };
      }),
    );
    // Cheapest first; unknown prices last, in listed order.
    priced.sort((a, b) => (a.cost === undefined ? (b.cost === undefined ? a.i - b.i : 1) : b.cost === undefined ? -1 : a.cost - b.cost || a.i - b.i));
    ctx.note(`estimated cost: ${priced.map((p) => `${p.h} ${p.cost === undefined ? '?' : p.cost.toPrecision(3)}`).join(', ')}`);
    return tryInOrder(
      ctx,
      s,
      priced.map((p) => p.h),
    );
  },
};
