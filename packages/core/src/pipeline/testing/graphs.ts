import type { ChatCompletionChunk, ChatCompletionRequest, PipelineEdge, PipelineGraph, PipelineInput, PipelineNode } from '@switchyard/spec';
import { compilePipeline, type CompiledPipeline } from '../compile';
import { builtinNodeTypes } from '../nodes';
import { NodeTypeRegistry } from '../registry';

/* Small builders so tests read like the graphs they describe. */

export function n(id: string, type: string, params: Record<string, unknown> = {}, typeVersion = 1): PipelineNode {
  return { id, type, typeVersion, params };
}

export function target(id: string, provider: string, model?: string, extra: Record<string, unknown> = {}): PipelineNode {
  return n(id, 'target', { provider, ...(model ? { model } : {}), ...extra });
}

export function e(source: string, sourceHandle: string, targetId: string): PipelineEdge {
  return { source, sourceHandle, target: targetId, targetHandle: 'in' };
}

export function graph(nodes: PipelineNode[], edges: PipelineEdge[] = []): PipelineGraph {
  return { schemaVersion: 1, nodes, edges };
}

/** A node in front of a chain: `chain(['a','next'], ['b','next'], 'c')` -> edges a.next->b, b.next->c. */
export function chain(...steps: ([string, string] | string)[]): PipelineEdge[] {
  const out: PipelineEdge[] = [];
  for (let i = 0; i < steps.length - 1; i++) {
    const [src, handle] = steps[i] as [string, string];
    const next = steps[i + 1];
    out.push(e(src, handle, typeof next === 'string' ? next : next[0]));
  }
  return out;
}

let registry: NodeTypeRegistry | undefined;
export function builtinRegistry(): NodeTypeRegistry {
  registry ??= new NodeTypeRegistry(builtinNodeTypes);
  return registry;
}

export function compile(g: PipelineGraph, pipelineId = 'test-pipeline'): Promise<CompiledPipeline> {
  return compilePipeline(g, builtinRegistry(), { pipelineId });
}

export function chatInput(overrides: Partial<PipelineInput> = {}, body: Partial<ChatCompletionRequest> = {}): PipelineInput {
  const stream = overrides.stream ?? false;
  return {
    kind: 'chat',
    body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }], ...(stream ? { stream: true } : {}), ...body },
    stream,
    requestId: 'req_1',
    principal: { method: 'api-key', id: 'key_1', userId: 'user_1', scopes: ['*'] },
    ...overrides,
  };
}

/** Reads a relayed stream to its end; returns the chunks and the error that ended it, if any. */
export async function drain(stream: AsyncIterable<ChatCompletionChunk>): Promise<{ chunks: ChatCompletionChunk[]; error?: unknown; text: string }> {
  const chunks: ChatCompletionChunk[] = [];
  try {
    for await (const c of stream) chunks.push(c);
    return { chunks, text: textOf(chunks) };
  } catch (error) {
    return { chunks, error, text: textOf(chunks) };
  }
}

export function textOf(chunks: readonly ChatCompletionChunk[]): string {
  return chunks.map((c) => c.choices.map((x) => x.delta?.content ?? '').join('')).join('');
}
