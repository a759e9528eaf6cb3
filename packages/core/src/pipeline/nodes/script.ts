import type { ChatCompletionRequest, NodeContext, NodeTypeDefinition, RequestBody } from '@switchyard/spec';
import { GatewayError } from '../../errors';
import { ParamError } from '../errors';
import { RequestScope, SENSITIVE_HEADERS } from '../scope';
import { ScriptCompileError, ScriptError, ScriptSandbox, type ScriptFailure } from '../sandbox/isolate';
import { scriptManifest } from './script.manifest';

export interface ScriptParams {
  code: string;
  branches?: { id: string; label?: string }[];
  memoryMb?: number;
  cpuTimeoutMs?: number;
  wallTimeoutMs?: number;
  maxOutputBytes?: number;
}

interface ScriptState {
  sandbox: ScriptSandbox;
  outputs: ReadonlySet<string>;
}

const FAILURE_TEXT: Record<ScriptFailure | 'invalid', string> = {
  timeout: 'it ran out of time',
  memory: 'it ran out of memory',
  threw: 'it threw an error',
  output_too_large: 'its output is too large',
  unavailable: 'scripts are not available on this server',
  invalid: 'it returned an invalid result',
};

function scriptFailed(nodeId: string, failure: ScriptFailure | 'invalid'): GatewayError {
  // The client learns which kind of failure, not the script's own message (it may quote the request).
  return new GatewayError({
    status: 500,
    type: 'server_error',
    message: `The pipeline script '${nodeId}' failed: ${FAILURE_TEXT[failure]}.`,
    code: `script_${failure}`,
    retryable: false,
  });
}

/** What the script sees besides the request: plain data, credentials left out. */
function contextFor(ctx: NodeContext<ScriptParams, ScriptState>): Record<string, unknown> {
  const { input } = ctx;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.headers ?? {})) {
    if (v === undefined || SENSITIVE_HEADERS.has(k.toLowerCase())) continue;
    headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  const p = input.principal;
  const scope = new RequestScope(input, ctx.body, ctx.kind, ctx.stream, ctx.now());
  return {
    kind: ctx.kind,
    stream: ctx.stream,
    attempt: ctx.attempt,
    requestId: input.requestId,
    pipelineId: input.pipelineId ?? null,
    metadata: scope.metadata() ?? {},
    headers,
    key: p ? { id: p.id, method: p.method, projectId: p.projectId ?? null, role: p.role ?? null, scopes: p.scopes, attributes: p.attributes ?? {} } : null,
    user: Object.assign({}, input.user, { id: scope.lookup('user', ['id']) ?? null }),
    time: scope.lookup('time', []),
  };
}

/** The request the script handed back, if it is still a request of the same kind. */
function checkRequest(ctx: NodeContext, value: unknown): RequestBody | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const b = value as Record<string, unknown>;
  if (ctx.kind === 'chat' && (typeof b.model !== 'string' || !Array.isArray(b.messages) || b.messages.length === 0)) return undefined;
  if (ctx.kind === 'embeddings' && (typeof b.model !== 'string' || b.input === undefined)) return undefined;
  if (ctx.kind === 'images' && typeof b.prompt !== 'string') return undefined;
  // Streaming is the server's business, not the script's.
  const original = ctx.body as ChatCompletionRequest;
  if (original.stream === undefined) delete b.stream;
  else b.stream = original.stream;
  if (original.stream_options === undefined) delete b.stream_options;
  else b.stream_options = original.stream_options;
  return b as unknown as RequestBody;
}

export const scriptNode: NodeTypeDefinition<ScriptParams, ScriptState> = {
  manifest: scriptManifest,
  async prepare(params) {
    try {
      const sandbox = await ScriptSandbox.create(params.code, {
        memoryMb: params.memoryMb ?? 16,
        cpuTimeoutMs: params.cpuTimeoutMs ?? 50,
        wallTimeoutMs: params.wallTimeoutMs ?? 250,
        maxOutputBytes: params.maxOutputBytes ?? 262_144,
      });
      return { sandbox, outputs: new Set(['next', ...(params.branches ?? []).map((b) => b.id)]) };
    } catch (err) {
      if (err instanceof ScriptCompileError) throw new ParamError('params.code', err.message);
      throw new ParamError('params.code', (err as Error).message);
    }
  },
  dispose: (state) => state.sandbox.dispose(),
  async execute(ctx) {
    let out;
    try {
      out = await ctx.state.sandbox.run({ request: ctx.body, context: contextFor(ctx) });
    } catch (err) {
      const failure = err instanceof ScriptError ? err.failure : 'threw';
      ctx.decide('failed');
      ctx.note((err as Error).message);
      throw scriptFailed(ctx.nodeId, failure);
    }
    for (const line of out.logs) ctx.note(`log: ${line}`);
    let branch = 'next';
    let request: unknown = out.request;
    const r = out.result;
    if (typeof r === 'string') branch = r;
    else if (r && typeof r === 'object' && !Array.isArray(r)) {
      const o = r as { branch?: unknown; request?: unknown };
      if (o.branch !== undefined) branch = String(o.branch);
      if (o.request !== undefined) request = o.request;
    } else if (r !== null) {
      ctx.decide('invalid result');
      ctx.note('the script returned neither a branch name nor an object');
      throw scriptFailed(ctx.nodeId, 'invalid');
    }
    if (!ctx.state.outputs.has(branch)) {
      ctx.decide('invalid result');
      ctx.note(`the script chose "${branch}", which is not one of its outputs (${[...ctx.state.outputs].join(', ')})`);
      throw scriptFailed(ctx.nodeId, 'invalid');
    }
    const body = checkRequest(ctx, request);
    if (!body) {
      ctx.decide('invalid result');
      ctx.note(`the script's request is not a valid ${ctx.kind} request`);
      throw scriptFailed(ctx.nodeId, 'invalid');
    }
    ctx.decide(branch === 'next' ? 'next' : `branch "${branch}"`);
    return ctx.next(branch, { body });
  },
};
