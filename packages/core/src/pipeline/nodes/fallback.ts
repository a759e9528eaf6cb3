import type { NodeTypeDefinition } from '@switchyard/spec';
import type { ErrorMatch } from '../errors';
import { fallbackManifest } from './fallback.manifest';
import { prepareRoute, tryInOrder, type Branch, type RouteState } from './route';

export interface FallbackParams {
  branches: Branch[];
  fallbackOn?: ErrorMatch;
}

/** Ordered fallback: the first branch, then the next when it fails with a matching error. */
export const fallbackNode: NodeTypeDefinition<FallbackParams, RouteState> = {
  manifest: fallbackManifest,
  prepare: (params) => prepareRoute({ ...params, fallback: true }),
  execute: (ctx) => tryInOrder(ctx, ctx.state, ctx.state.handles),
};
