import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Usage } from './chat';
import type { EmbeddingRequest, EmbeddingResponse } from './embeddings';
import type { GatewayErrorInfo } from './errors';
import type { ImageGenerationRequest, ImageGenerationResponse } from './images';
import type { JsonSchema, Logger, PriceCard, Principal } from './plugins';

/*
 * Routing pipelines: the stored graph format, node-type manifests, and the contract between the
 * executor (in @switchyard/core), the node types it runs, and the host (the server) it runs against.
 * docs/pipelines.md explains each part with examples.
 */

/* ---------------------------------------------------------------------- format */

/** The graph format version this code reads and writes. */
export type PipelineSchemaVersion = 1;

export interface PipelineNode {
  /** Unique within the graph. */
  id: string;
  /** A node type, e.g. `fallback` or `acme.moderation` (plugin types). */
  type: string;
  /** Which version of the node type's params and behaviour this node was written for. */
  typeVersion: number;
  /** Valid against the node type's `paramsSchema`. */
  params: Record<string, unknown>;
}

/** A connection from an output handle of one node to an input handle of another. */
export interface PipelineEdge {
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
}

export interface PipelineGraph {
  schemaVersion: number;
  nodes: PipelineNode[];
  edges: PipelineEdge[];
  /** Editor positions, kept apart from the semantics. */
  layout?: Record<string, { x: number; y: number }>;
}

/* ------------------------------------------------------------------- manifests */

export interface HandleSpec {
  /** The handle id edges use; for a repeated output, the name of the group (not a handle itself). */
  id: string;
  label?: string;
  /** Handles connect only when their types are equal, or one of them is `any`. Built-in nodes use `request`. */
  type: string;
  /**
   * Outputs only: instead of one handle, one handle per element of the array param of this name.
   * Each element is an object whose `id` (string) is the handle id and whose optional `label` is
   * shown next to it; e.g. a fallback's `branches: [{id: "primary"}, {id: "backup"}]`.
   */
  repeat?: string;
}

export type NodeCategory = 'router' | 'resilience' | 'governance' | 'transform' | 'cache' | 'script' | 'target' | 'terminal';

export interface NodeTypeManifest {
  type: string;
  typeVersion: number;
  title: string;
  category: NodeCategory | (string & {});
  description?: string;
  /**
   * JSON Schema (2020-12) of the node's params. UI hints live under `x-ui`. The validator also
   * understands these string formats: `sy-condition` (the condition language), `sy-template`
   * (`{{var}}` templates), `sy-regex` (a JavaScript regular expression source) and `sy-timezone`
   * (an IANA time zone).
   */
  paramsSchema: JsonSchema;
  inputs: HandleSpec[];
  /** A node type with no outputs is a sink (a target or a terminal): every path must end in one. */
  outputs: HandleSpec[];
}

/* ------------------------------------------------------------------ validation */

export type PipelineIssueCode =
  | 'invalid_graph'
  | 'too_large'
  | 'unsupported_schema_version'
  | 'invalid_node'
  | 'duplicate_node_id'
  | 'unknown_node_type'
  | 'unknown_type_version'
  | 'invalid_params'
  | 'duplicate_handle'
  | 'invalid_edge'
  | 'unknown_node'
  | 'unknown_handle'
  | 'handle_type_mismatch'
  | 'output_already_connected'
  | 'cycle'
  | 'no_entry'
  | 'multiple_entries'
  | 'unconnected_output'
  | 'prepare_failed';

/** One problem found in a graph, pointing at the node (or edge) and the field concerned. */
export interface PipelineIssue {
  code: PipelineIssueCode;
  message: string;
  nodeId?: string;
  edgeIndex?: number;
  /** A dotted path within the node or edge, e.g. `params.rules[0].when`, `typeVersion`, `sourceHandle`. */
  field?: string;
}

/* --------------------------------------------------------------------- requests */

export type RequestKind = 'chat' | 'embeddings' | 'images';
export type RequestBody = ChatCompletionRequest | EmbeddingRequest | ImageGenerationRequest;
export type ResponseBody = ChatCompletion | EmbeddingResponse | ImageGenerationResponse;

/** What the server hands the executor for one request. Nothing here is mutated by the pipeline. */
export interface PipelineInput {
  kind: RequestKind;
  /** The validated canonical request. Nodes never mutate it; transforms pass changed copies downstream. */
  body: RequestBody;
  /** Chat only: whether the client asked for a stream. */
  stream: boolean;
  requestId: string;
  /** Aborted when the client goes away; the executor stops routing and the host aborts upstream calls. */
  signal?: AbortSignal;
  /** Lower-case header names. Credentials (authorization, cookie, api-key headers) are never exposed to conditions, templates or scripts. */
  headers?: Record<string, string | string[] | undefined>;
  principal?: Principal;
  /** Attributes of the calling user (e.g. `{id, tier, country}`), as the server knows them. */
  user?: Record<string, unknown>;
  /** Request metadata for conditions and templates; defaults to the chat request's `metadata`. */
  metadata?: Record<string, string>;
  /** Which stored pipeline (and version) this is, for rate-limit scopes and logs. */
  pipelineId?: string;
}

/* -------------------------------------------------------------------- the host */

/** A target node's params: `model` absent means "the request's model". */
export interface TargetSpec {
  provider: string;
  model?: string;
  credentialId?: string;
  params?: Record<string, unknown>;
}

/** One upstream the target node calls. `model` is the upstream's model id (the request body keeps the client's). */
export interface TargetRef {
  provider: string;
  model: string;
  credentialId?: string;
  /** Request fields overridden for this target (merged over the body by the target node before the call). */
  params?: Record<string, unknown>;
}

export interface TargetCall {
  kind: RequestKind;
  stream: boolean;
  /** Abort the upstream call when this fires (client gone, timeout node, cancelled stream). */
  signal: AbortSignal;
  /** 1 for the first try; a retry node above raises it. */
  attempt: number;
  requestId: string;
  /** The target node making the call. */
  nodeId: string;
  pipelineId?: string;
  principal?: Principal;
}

/**
 * A chat stream whose first chunk has already arrived. Returning it (rather than a bare iterable)
 * lets failures before the first byte be thrown from `invokeTarget`, where routers can still fall
 * back. `openStream()` in @switchyard/core builds one from any AsyncIterable. Nodes do not change
 * chunks in place; they pass on changed copies, as they do with requests.
 */
export interface OpenedStream {
  first: ChatCompletionChunk;
  rest: AsyncIterator<ChatCompletionChunk>;
}

/** Per-target latency averages for the least-latency router. */
export interface LatencyStats {
  /** Moving average of the whole call, in ms. */
  latencyMs?: number;
  /** Moving average of time to first chunk (streams), in ms. */
  ttftMs?: number;
  samples: number;
  updatedAt: number;
}

export interface LatencySample {
  latencyMs?: number;
  ttftMs?: number;
}

export interface LatencyStore {
  record(key: string, sample: LatencySample, now: number): Promise<void>;
  /** Stats for each key, in order (undefined when nothing is known yet). */
  get(keys: readonly string[]): Promise<(LatencyStats | undefined)[]>;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** What is left in the window after this call (0 when denied). */
  remaining: number;
  /** When denied: how long until `amount` would fit. */
  retryAfterMs: number;
}

/** Sliding-window counters. `key` already includes the scope (key id, user, pipeline) and the unit. */
export interface RateLimitStore {
  /** Counts `amount` against `limit` over `windowMs`, unless that would exceed it. */
  consume(key: string, amount: number, limit: number, windowMs: number, now: number): Promise<RateLimitDecision>;
  /** Adds (or removes, when negative) usage learnt after the fact, without checking the limit. */
  adjust(key: string, amount: number, windowMs: number, now: number): Promise<void>;
}

export type CircuitPhase = 'closed' | 'open' | 'half_open';

/** The stored state of one breaker. `circuitTransition` in @switchyard/core is the state machine. */
export interface CircuitState {
  phase: CircuitPhase;
  /** Failure times in the current window (closed), oldest first. */
  failures: number[];
  /** When the circuit opened (open/half-open). */
  openedAt?: number;
  /** Probes let through and not yet finished (half-open). */
  probesInFlight: number;
  /** Successful probes so far (half-open). */
  probeSuccesses: number;
}

export interface CircuitPolicy {
  failureThreshold: number;
  windowMs: number;
  cooldownMs: number;
  halfOpenProbes: number;
  successesToClose: number;
}

export interface CircuitAdmission {
  allowed: boolean;
  phase: CircuitPhase;
  /** Set when the call is a half-open probe. */
  probe: boolean;
  /** When refused: time until the cool-down ends. */
  retryAfterMs?: number;
}

export interface CircuitStore {
  /** Asks to make a call; may move open -> half-open when the cool-down is over. */
  admit(key: string, policy: CircuitPolicy, now: number): Promise<CircuitAdmission>;
  /** Reports how an admitted call ended. */
  report(key: string, outcome: { ok: boolean; probe: boolean }, policy: CircuitPolicy, now: number): Promise<CircuitPhase>;
}

export interface CachedResponse {
  kind: RequestKind;
  body: ResponseBody;
  storedAt: number;
}

export interface ResponseCacheStore {
  get(key: string, now: number): Promise<CachedResponse | undefined>;
  set(key: string, value: CachedResponse, ttlMs: number, now: number): Promise<void>;
}

export interface BudgetCheck {
  scope: 'key' | 'user' | 'project';
  principal?: Principal;
  user?: Record<string, unknown>;
  kind: RequestKind;
  model: string;
  /** Rough prompt size, for an estimate of the cost. */
  estimatedPromptTokens: number;
  maxOutputTokens?: number;
  pipelineId?: string;
}

export interface BudgetDecision {
  allowed: boolean;
  /** Shown to the client when refused (no secrets). */
  message?: string;
  remainingCredits?: number;
}

export interface Clock {
  /** Milliseconds since the epoch, with sub-millisecond precision where available. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface PipelineStores {
  rateLimits: RateLimitStore;
  circuits: CircuitStore;
  cache: ResponseCacheStore;
  latency: LatencyStore;
}

type MaybePromise<T> = T | Promise<T>;

/** What the executor needs from its surroundings. The server implements it once; tests fake it. */
export interface PipelineHost {
  /**
   * Calls one upstream through its provider plugin: resolves the credential, reserves and settles
   * billing, measures usage. Resolves with the JSON response, or (when `call.stream`) an opened
   * stream. Throws GatewayError (status, retryable, retryAfterMs) for any failure before that.
   */
  invokeTarget(target: TargetRef, request: RequestBody, call: TargetCall): Promise<ResponseBody | OpenedStream>;
  /** The price card of a provider's model (for the lowest-cost router); undefined when unknown. */
  priceOf?(provider: string, model: string): MaybePromise<PriceCard | undefined>;
  /** For budget nodes. */
  checkBudget?(check: BudgetCheck): Promise<BudgetDecision>;
  stores: PipelineStores;
  clock: Clock;
  /** In [0, 1); defaults to Math.random. */
  random?(): number;
  logger?: Logger;
}

/* ---------------------------------------------------------------- run records */

/** One call of a target node: what usage and billing record. */
export interface AttemptRecord {
  nodeId: string;
  provider: string;
  model: string;
  credentialId?: string;
  /** The retry attempt number the call was made under. */
  attempt: number;
  /** `ok` once answered (streams: once complete); `cancelled` when the client stopped reading a stream. */
  status: 'pending' | 'ok' | 'error' | 'cancelled';
  /** ms since the pipeline started. */
  startedAtMs: number;
  /** Whole call; for streams, until the stream ended. */
  latencyMs?: number;
  /** Streams: time to the first chunk. */
  ttftMs?: number;
  error?: AttemptError;
  stream: boolean;
  /** Streams: chunks that passed through, and the usage chunk if one came. */
  chunks?: number;
  usage?: Usage;
  /** Streams: true when the failure happened after the first chunk (no fallback was possible). */
  failedMidStream?: boolean;
}

export interface AttemptError {
  status: number;
  type: string;
  code: string | null;
  message: string;
}

/** One run of one node. A node can run several times (e.g. below a retry). */
export interface TraceEntry {
  nodeId: string;
  type: string;
  typeVersion: number;
  /** Index of the entry that ran this one (undefined for the entry node). */
  parent?: number;
  /** ms since the pipeline started. */
  startMs: number;
  /** Until the node returned (for streams: until the stream was opened). */
  durationMs?: number;
  status: 'running' | 'ok' | 'error';
  /** What the node decided, e.g. `branch "vip"`, `target openai/gpt-4o`, `cache hit`. */
  decision?: string;
  /** Why, step by step, e.g. `branch "a" failed: 503 upstream_error (retryable), trying "b"`. */
  notes?: string[];
  error?: AttemptError;
}

/** What reached the client of a streamed answer; final once the relay has ended. */
export interface DeliveryRecord {
  chunks: number;
  /** Characters of content and reasoning text delivered. */
  contentChars: number;
  usage?: Usage;
  status: 'streaming' | 'completed' | 'failed' | 'cancelled';
  error?: AttemptError;
}

interface ResultCommon {
  attempts: AttemptRecord[];
  trace: TraceEntry[];
  /** The target that produced the answer (absent for cache hits and terminal replies). */
  target?: TargetRef;
  cacheHit: boolean;
  /** Until the answer (or the first chunk) was ready. */
  durationMs: number;
}

export type PipelineResult<E extends GatewayErrorInfo = GatewayErrorInfo> =
  | (ResultCommon & { ok: true; kind: 'json'; response: ResponseBody })
  | (ResultCommon & {
      ok: true;
      kind: 'stream';
      /**
       * Relay this chunk by chunk. The first chunk is already in hand. A failure after it is thrown
       * (as a GatewayError) after the chunks that did arrive; `delivery` and `attempts` are final
       * once iteration ends, however it ends.
       */
      stream: AsyncIterable<ChatCompletionChunk>;
      delivery: DeliveryRecord;
    })
  | (ResultCommon & { ok: false; error: E });

/* ------------------------------------------------------------ node execution */

export type NodeOutcome =
  | { kind: 'json'; body: ResponseBody; target?: TargetRef; cached?: boolean }
  /** A chat stream whose first chunk has arrived upstream. Nodes may wrap it (redaction, timers). */
  | { kind: 'stream'; stream: AsyncIterable<ChatCompletionChunk>; target?: TargetRef; cached?: boolean };

/** Changes a node passes to the subgraph it calls. */
export interface FlowChange {
  body?: RequestBody;
  signal?: AbortSignal;
  attempt?: number;
}

/** Facts about the graph around a node, for `prepare`. */
export interface PrepareEnv {
  nodeId: string;
  pipelineId?: string;
  /** The node's output handle ids, repeated ones resolved. */
  outputs: readonly string[];
  /** The target nodes reachable through an output, in first-branch-first order. */
  targetsBehind(handle: string): readonly TargetSpec[];
  /** A key naming what is behind an output: `target:<provider>/<model>` when that is exactly one target with a fixed model, else a node-scoped key. */
  keyBehind(handle: string): string;
}

/** What `execute` gets for one run of one node. */
export interface NodeContext<Params = unknown, State = unknown> {
  readonly nodeId: string;
  readonly params: Params;
  /** What `prepare` returned when the pipeline was compiled. */
  readonly state: State;
  readonly input: PipelineInput;
  /** The request as this node sees it (after transforms above it). Treat as read-only. */
  readonly body: RequestBody;
  readonly kind: RequestKind;
  readonly stream: boolean;
  readonly signal: AbortSignal;
  readonly attempt: number;
  readonly host: PipelineHost;
  /** Runs the subgraph connected to an output handle. Throws GatewayError when it fails. */
  next(handle: string, change?: FlowChange): Promise<NodeOutcome>;
  /** Records the node's decision for the trace (the last call wins). */
  decide(decision: string): void;
  /** Adds a step of reasoning to the trace. */
  note(note: string): void;
  /** ms since the epoch (the host's clock). */
  now(): number;
  /** Records a target call (target nodes); returns the record to complete. */
  beginAttempt(target: TargetRef, stream: boolean): AttemptRecord;
}

/** A node type: its manifest plus the code that runs it (server side only). */
export interface NodeTypeDefinition<Params = any, State = any> {
  manifest: NodeTypeManifest;
  /**
   * Runs once per compiled pipeline (params already valid): precompute what every request needs
   * (parsed conditions, regexes, isolates). Throw to refuse the params; the message becomes a
   * `prepare_failed` issue (set `field` on the error to point at a param).
   */
  prepare?(params: Params, env: PrepareEnv): State | Promise<State>;
  execute(ctx: NodeContext<Params, State>): Promise<NodeOutcome>;
  /** Frees what `prepare` made, when the compiled pipeline is dropped. */
  dispose?(state: State): void | Promise<void>;
}
