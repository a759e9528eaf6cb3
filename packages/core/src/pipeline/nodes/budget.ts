import type { NodeTypeDefinition } from '@switchyard/spec';
import { GatewayError } from '../../errors';
import { estimatePromptTokens, maxOutputTokens } from '../tokens';
import { budgetManifest } from './budget.manifest';

export interface BudgetParams {
  scope?: 'key' | 'user' | 'project';
}

/** Asks the host whether the caller may still spend. Fails closed when the host cannot say. */
export const budgetNode: NodeTypeDefinition<BudgetParams, { scope: 'key' | 'user' | 'project' }> = {
  manifest: budgetManifest,
  prepare: (params) => ({ scope: params.scope ?? 'key' }),
  async execute(ctx) {
    if (!ctx.host.checkBudget) {
      throw new GatewayError({ status: 500, type: 'server_error', message: 'Budget checks are not available on this server.', code: 'budget_unavailable', retryable: false });
    }
    const decision = await ctx.host.checkBudget({
      scope: ctx.state.scope,
      principal: ctx.input.principal,
      user: ctx.input.user,
      kind: ctx.kind,
      model: (ctx.body as { model?: string }).model ?? '',
      estimatedPromptTokens: estimatePromptTokens(ctx.kind, ctx.body),
      maxOutputTokens: maxOutputTokens(ctx.kind, ctx.body),
      pipelineId: ctx.input.pipelineId,
    });
    if (!decision.allowed) {
      ctx.decide('refused');
      throw new GatewayError({
        status: 429,
        type: 'insufficient_quota',
        message: decision.message ?? 'You exceeded your current quota; add credits or raise the budget.',
        code: 'insufficient_quota',
        retryable: false,
      });
    }
    ctx.decide(decision.remainingCredits !== undefined ? `allowed (${decision.remainingCredits} credits left)` : 'allowed');
    return ctx.next('next');
  },
};
