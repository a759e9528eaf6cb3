import type { ChatCompletion, NodeTypeDefinition } from '@switchyard/spec';
import { errors } from '../../errors';
import { RequestScope } from '../scope';
import { completionAsChunks, iterate } from '../stream';
import { compileTemplate, renderTemplate, type Template } from '../template';
import { replyManifest } from './reply.manifest';

export interface ReplyParams {
  content: string;
  model?: string;
}

/** Answers a chat request itself: maintenance notices, canned answers, tests. */
export const replyNode: NodeTypeDefinition<ReplyParams, { content: Template; model?: string }> = {
  manifest: replyManifest,
  prepare: (params) => ({ content: compileTemplate(params.content), model: params.model }),
  async execute(ctx) {
    if (ctx.kind !== 'chat') throw errors.unsupported(`This pipeline answers only chat requests here, not ${ctx.kind}.`);
    const scope = new RequestScope(ctx.input, ctx.body, ctx.kind, ctx.stream, ctx.now());
    const content = renderTemplate(ctx.state.content, scope);
    const body: ChatCompletion = {
      id: `chatcmpl-${ctx.input.requestId}`,
      object: 'chat.completion',
      created: Math.floor(ctx.now() / 1000),
      model: ctx.state.model || String((ctx.body as { model?: unknown }).model ?? ''),
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    };
    ctx.decide('fixed reply');
    if (!ctx.stream) return { kind: 'json', body };
    const includeUsage = (ctx.body as { stream_options?: { include_usage?: boolean } }).stream_options?.include_usage === true;
    return { kind: 'stream', stream: iterate(completionAsChunks(body, { includeUsage })) };
  },
};
