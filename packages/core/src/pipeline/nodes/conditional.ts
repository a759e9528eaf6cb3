import type { NodeTypeDefinition } from '@switchyard/spec';
import { ParamError } from '../errors';
import { compilePredicate, type Predicate } from '../condition/evaluate';
import { parseCondition } from '../condition/parser';
import { RequestScope, createTimeReader, type TimeReader } from '../scope';
import { conditionalManifest } from './conditional.manifest';

export interface ConditionalParams {
  rules: { id: string; label?: string; when: string }[];
  timezone?: string;
}

interface ConditionalState {
  rules: readonly { handle: string; test: Predicate; decision: string }[];
  readTime: TimeReader;
}

/** First matching rule wins; "default" otherwise. Conditions are parsed once, at compile time. */
export const conditionalNode: NodeTypeDefinition<ConditionalParams, ConditionalState> = {
  manifest: conditionalManifest,
  prepare(params) {
    const rules = params.rules.map((r, i) => {
      try {
        return { handle: r.id, test: compilePredicate(parseCondition(r.when)), decision: `rule "${r.id}"` };
      } catch (err) {
        throw new ParamError(`params.rules[${i}].when`, (err as Error).message);
      }
    });
    return { rules, readTime: createTimeReader(params.timezone) };
  },
  execute(ctx) {
    const { rules, readTime } = ctx.state;
    const scope = new RequestScope(ctx.input, ctx.body, ctx.kind, ctx.stream, ctx.now(), readTime);
    for (const rule of rules) {
      if (rule.test(scope)) {
        ctx.decide(rule.decision);
        return ctx.next(rule.handle);
      }
    }
    ctx.decide('default');
    return ctx.next('default');
  },
};
