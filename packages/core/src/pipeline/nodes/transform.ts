import type { ChatCompletionRequest, ChatMessage, ImageGenerationRequest, NodeContext, NodeTypeDefinition, RequestBody } from '@switchyard/spec';
import { ParamError } from '../errors';
import { RequestScope } from '../scope';
import { compileTemplate, renderTemplate, type Template } from '../template';

import { transformManifest } from './transform.manifest';

export interface TransformParams {
  set?: Record<string, unknown>;
  defaults?: Record<string, unknown>;
  remove?: string[];
  model?: string;
  modelMap?: Record<string, string>;
  system?: { template: string; mode?: 'prepend' | 'append' | 'replace' };
  renderMessages?: boolean;
  variables?: Record<string, string | number | boolean>;
}

interface TransformState {
  set: readonly [string, unknown][];
  defaults: readonly [string, unknown][];
  remove: readonly string[];
  model?: string;
  modelMap?: ReadonlyMap<string, string>;
  system?: { template: Template; mode: 'prepend' | 'append' | 'replace' };
  renderMessages: boolean;
  variables?: Record<string, unknown>;
  summary: string;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const isSystem = (m: ChatMessage) => m.role === 'system' || m.role === 'developer';

function renderText(text: string, scope: RequestScope): string {
  if (!text.includes('{{')) return text;
  try {
    return renderTemplate(compileTemplate(text), scope);
  } catch {
    return text; // the client's own text is not a template error
  }
}

function renderMessage(m: ChatMessage, scope: RequestScope): ChatMessage {
  if (typeof m.content === 'string') {
    const content = renderText(m.content, scope);
    return content === m.content ? m : ({ ...m, content } as ChatMessage);
  }
  if (!Array.isArray(m.content)) return m;
  let changed = false;
  const parts = (m.content as { type: string; text?: string }[]).map((p) => {
    if (p.type !== 'text' || typeof p.text !== 'string') return p;
    const text = renderText(p.text, scope);
    if (text === p.text) return p;
    changed = true;
    return { ...p, text };
  });
  return changed ? ({ ...m, content: parts } as ChatMessage) : m;
}

function withSystem(messages: ChatMessage[], text: string, mode: 'prepend' | 'append' | 'replace'): ChatMessage[] {
  const sys: ChatMessage = { role: 'system', content: text };
  if (mode === 'prepend') return [sys, ...messages];
  if (mode === 'replace') return [sys, ...messages.filter((m) => !isSystem(m))];
  // append: after the client's own system messages, before the conversation
  let at = 0;
  while (at < messages.length && isSystem(messages[at])) at++;
  return [...messages.slice(0, at), sys, ...messages.slice(at)];
}

function apply(ctx: NodeContext<TransformParams, TransformState>): RequestBody {
  const s = ctx.state;
  const b: Record<string, unknown> = { ...(ctx.body as unknown as Record<string, unknown>) };
  for (const [k, v] of s.set) b[k] = v;
  for (const [k, v] of s.defaults) if (b[k] === undefined || b[k] === null) b[k] = v;
  for (const k of s.remove) delete b[k];
  if (s.model !== undefined) b.model = s.model;
  if (s.modelMap && typeof b.model === 'string') {
    const mapped = s.modelMap.get(b.model) ?? s.modelMap.get('*');
    if (mapped !== undefined) b.model = mapped;
  }
  if (s.system || s.renderMessages) {
    const scope = new RequestScope(ctx.input, b as unknown as RequestBody, ctx.kind, ctx.stream, ctx.now(), undefined, s.variables);
    if (ctx.kind === 'chat') {
      let messages = (b as unknown as ChatCompletionRequest).messages;
      if (s.renderMessages) messages = messages.map((m) => renderMessage(m, scope));
      if (s.system) messages = withSystem(messages, renderTemplate(s.system.template, scope), s.system.mode);
      b.messages = messages;
    } else if (ctx.kind === 'images' && s.renderMessages) {
      b.prompt = renderText((b as unknown as ImageGenerationRequest).prompt, scope);
    }
  }
  return b as unknown as RequestBody;
}

/** Hands what follows a changed copy of the request; the original is never touched. */
export const transformNode: NodeTypeDefinition<TransformParams, TransformState> = {
  manifest: transformManifest,
  prepare(params) {
    let system: TransformState['system'];
    if (params.system) {
      try {
        system = { template: compileTemplate(params.system.template), mode: params.system.mode ?? 'prepend' };
      } catch (err) {
        throw new ParamError('params.system.template', (err as Error).message);
      }
    }
    const parts: string[] = [];
    if (params.set && Object.keys(params.set).length) parts.push(`set ${Object.keys(params.set).join(', ')}`);
    if (params.defaults && Object.keys(params.defaults).length) parts.push(`defaults for ${Object.keys(params.defaults).join(', ')}`);
    if (params.remove?.length) parts.push(`removed ${params.remove.join(', ')}`);
    if (params.model) parts.push(`model ${params.model}`);
    if (params.modelMap) parts.push('model mapped');
    if (system) parts.push(`system prompt (${system.mode})`);
    if (params.renderMessages) parts.push('messages rendered');
    return {
      // Values are shared by every request: freeze them so nothing downstream can change them.
      set: Object.entries(deepFreeze(structuredClone(params.set ?? {}))),
      defaults: Object.entries(deepFreeze(structuredClone(params.defaults ?? {}))),
      remove: params.remove ?? [],
      model: params.model,
      modelMap: params.modelMap ? new Map(Object.entries(params.modelMap)) : undefined,
      system,
      renderMessages: params.renderMessages === true,
      variables: params.variables,
      summary: parts.join('; ') || 'no change',
    };
  },
  execute(ctx) {
    const body = apply(ctx);
    ctx.decide(ctx.state.summary);
    const model = (body as { model?: unknown }).model;
    if (model !== (ctx.body as { model?: unknown }).model) ctx.note(`model ${String((ctx.body as { model?: unknown }).model)} -> ${String(model)}`);
    return ctx.next('next', { body });
  },
};
