import { compilePipeline, createMemoryStores, createNodeTypeRegistry, openStream, resolveHandles, systemClock, type PipelineRunResult } from '@switchyard/core';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  NodePlugin,
  NodeTypeDefinition,
  OpenedStream,
  PipelineGraph,
  PipelineHost,
  RequestBody,
  RequestKind,
  ResponseBody,
  TargetCall,
  TargetRef,
} from '@switchyard/spec';

/** What the scripted upstream answers: a response body, or (for streams) the content pieces. */
export type UpstreamReply = ResponseBody | { stream: string[] };

export interface UpstreamCall {
  /** The output handle of the node under test that led to this call. */
  handle: string;
  target: TargetRef;
  request: RequestBody;
  call: TargetCall;
}

export interface NodeRunOptions {
  /** The node plugin, or just its node types. */
  plugin?: NodePlugin;
  nodeTypes?: NodeTypeDefinition[];
  node: { type: string; typeVersion?: number; params: Record<string, unknown> };
  request: RequestBody;
  /** Default `chat`. */
  kind?: RequestKind;
  stream?: boolean;
  /** The upstream's answer; default: a chat completion echoing the last user message. */
  upstream?: (request: RequestBody, call: UpstreamCall) => UpstreamReply | Promise<UpstreamReply>;
  headers?: Record<string, string>;
}

export interface NodeRunResult {
  result: PipelineRunResult;
  /** Every upstream call the node's outputs led to, with the request as the upstream got it. */
  upstream: UpstreamCall[];
  /** Streams: every chunk the client would get (read to the end). */
  chunks: ChatCompletionChunk[];
  /** Chat: the assistant text of choice 0, joined from the chunks for streams. */
  text?: string;
  /** Set when the stream failed after it started (the error the client would see last). */
  streamError?: unknown;
}

function lastUserText(request: RequestBody): string {
  const messages = (request as ChatCompletionRequest).messages ?? [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    return m.content.map((p) => (p.type === 'text' ? p.text : '')).join('');
  }
  return '';
}

function completionOf(model: string, text: string): ChatCompletion {
  return {
    id: 'chatcmpl-node-test',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
  };
}

async function* chunksFrom(model: string, pieces: string[]): AsyncGenerator<ChatCompletionChunk> {
  const base = { id: 'chatcmpl-node-test', object: 'chat.completion.chunk' as const, created: 1_700_000_000, model };
  yield { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] };
  for (const piece of pieces) yield { ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] };
  yield { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] };
}

/**
 * Runs one request through a pipeline made of your node with a scripted upstream behind each of
 * its outputs, on the real compiler and executor. For unit-testing node types without a server.
 */
export async function runNode(options: NodeRunOptions): Promise<NodeRunResult> {
  const registry = createNodeTypeRegistry();
  const problems = options.plugin ? registry.addPlugin(options.plugin) : [];
  for (const def of options.nodeTypes ?? []) problems.push(...registry.register(def, 'under-test'));
  if (problems.length > 0) throw new Error(`the node types were refused: ${problems.join('; ')}`);

  const typeVersion = options.node.typeVersion ?? 1;
  const manifest = registry.get(options.node.type, typeVersion)?.manifest;
  if (!manifest) throw new Error(`no node type ${options.node.type}@${typeVersion} is registered`);
  const underTest = { id: 'under-test', type: options.node.type, typeVersion, params: options.node.params };
  const outputs = resolveHandles(underTest, manifest).outputs.map((h) => h.id);

  const graph: PipelineGraph = {
    schemaVersion: 1,
    nodes: [underTest, ...outputs.map((handle) => ({ id: `target-${handle}`, type: 'target', typeVersion: 1, params: { provider: `upstream-${handle}`, model: 'test-model' } }))],
    edges: outputs.map((handle) => ({ source: 'under-test', sourceHandle: handle, target: `target-${handle}`, targetHandle: 'in' })),
  };
  const pipeline = await compilePipeline(graph, registry, { pipelineId: 'node-test' });

  const upstream: UpstreamCall[] = [];
  const host: PipelineHost = {
    stores: createMemoryStores(),
    clock: systemClock,
    async invokeTarget(target, request, call): Promise<ResponseBody | OpenedStream> {
      const record: UpstreamCall = { handle: target.provider.replace(/^upstream-/, ''), target, request, call };
      upstream.push(record);
      const reply = options.upstream ? await options.upstream(request, record) : completionOf(target.model, lastUserText(request));
      if (!call.stream) {
        if ('stream' in reply) throw new Error('the scripted upstream answered a JSON request with a stream');
        return reply;
      }
      const pieces = 'stream' in reply ? reply.stream : [String((reply as ChatCompletion).choices?.[0]?.message?.content ?? '')];
      return openStream(chunksFrom(target.model, pieces));
    },
  };

  const stream = options.stream ?? false;
  const result = await pipeline.run(
    { kind: options.kind ?? 'chat', body: options.request, stream, requestId: 'node-test-request', headers: options.headers },
    host,
  );
  const out: NodeRunResult = { result, upstream, chunks: [] };
  try {
    if (result.ok && result.kind === 'stream') {
      try {
        for await (const chunk of result.stream) out.chunks.push(chunk);
      } catch (err) {
        out.streamError = err;
      }
      out.text = out.chunks.map((c) => c.choices.find((ch) => ch.index === 0)?.delta.content ?? '').join('');
    } else if (result.ok && result.kind === 'json') {
      const content = (result.response as ChatCompletion).choices?.[0]?.message?.content;
      if (typeof content === 'string') out.text = content;
    }
  } finally {
    await pipeline.dispose();
  }
  return out;
}
