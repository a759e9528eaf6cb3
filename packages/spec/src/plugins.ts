import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Usage } from './chat';
import type { EmbeddingRequest, EmbeddingResponse } from './embeddings';
import type { ImageGenerationRequest, ImageGenerationResponse } from './images';
import type { UpstreamModelInfo } from './models';
import type { GatewayErrorInfo } from './errors';
import type { NodeTypeDefinition } from './pipeline';

export type PluginKind = 'provider' | 'auth' | 'billing' | 'node';

/**
 * A JSON Schema (draft 2020-12) object. UI hints for the console live under `x-ui`
 * (e.g. `{ "x-ui": { "widget": "password", "order": 1, "help": "..." } }`); the server
 * ignores them and validates with the schema itself.
 */
export type JsonSchema = Record<string, unknown>;

export interface PluginManifest {
  /** Unique id, lowercase letters, digits and dashes, e.g. `openai` or `volume-tiers`. */
  id: string;
  kind: PluginKind;
  /** The plugin's own semver version. */
  version: string;
  /** Semver range of Switchyard host versions this plugin works with, e.g. `^0.1.0`. */
  hostRange: string;
  /** Display name for the console. */
  name: string;
  description?: string;
  /** Settings of one configured instance of the plugin (validated by the server, drawn by the console). */
  settingsSchema?: JsonSchema;
  /** Providers only: the fields of one credential; every field is stored encrypted. */
  credentialSchema?: JsonSchema;
}

export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export interface PluginContext {
  hostVersion: string;
  logger: Logger;
}

/* ------------------------------------------------------------------ providers */

export interface ProviderCallContext {
  /** Aborted when the client disconnects or a timeout fires; pass it to the upstream call. */
  signal: AbortSignal;
  /** The upstream's own model id (after alias and mapping resolution). */
  model: string;
  /** The decrypted fields of the chosen credential (empty when the provider needs none). */
  credential: Record<string, string>;
  requestId: string;
}

export interface ProviderInstance {
  /** A non-streamed chat completion, in the canonical (OpenAI) shape. */
  chat(request: ChatCompletionRequest, ctx: ProviderCallContext): Promise<ChatCompletion>;
  /**
   * A streamed chat completion as canonical chunks. The provider asks its upstream for usage
   * and yields it as the last chunk (`choices: []`, `usage` set) whenever the upstream reports it;
   * the server decides whether the client sees it. Failures are thrown as GatewayError.
   * A chunk is not changed once yielded: whoever changes one passes on a copy (a provider may
   * have recorded the chunk's JSON text, which the server then sends as is; see rememberChunkJson).
   */
  chatStream(request: ChatCompletionRequest, ctx: ProviderCallContext): AsyncIterable<ChatCompletionChunk>;
  embeddings?(request: EmbeddingRequest, ctx: ProviderCallContext): Promise<EmbeddingResponse>;
  images?(request: ImageGenerationRequest, ctx: ProviderCallContext): Promise<ImageGenerationResponse>;
  /** The upstream's model list, for discovery and the connection test. */
  listModels?(ctx: Omit<ProviderCallContext, 'model'>): Promise<UpstreamModelInfo[]>;
  close?(): Promise<void>;
}

export interface ProviderPlugin {
  manifest: PluginManifest & { kind: 'provider' };
  createProvider(settings: Record<string, unknown>, ctx: PluginContext): ProviderInstance;
}

/* ----------------------------------------------------------------------- auth */

export interface AuthRequest {
  method: string;
  path: string;
  ip: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Who is calling, and what they may do. */
export interface Principal {
  /** How the caller proved itself: `admin-key`, `api-key`, `oauth`, `oidc`, `session`, or a plugin's id. */
  method: string;
  /** Stable id of the credential used (key id, token id); never the secret itself. */
  id: string;
  userId?: string;
  projectId?: string;
  role?: 'owner' | 'admin' | 'member' | 'viewer';
  /** Endpoint scopes, e.g. `chat`, `embeddings`, `images`, `models`, `admin`; `*` means all. */
  scopes: string[];
  /** Models and pipelines this caller may use; absent means no restriction. */
  allowedModels?: string[];
  allowedPipelines?: string[];
  limits?: { rpm?: number; tpm?: number };
  /** Free-form attributes that conditions in pipelines may read. */
  attributes?: Record<string, unknown>;
}

export type AuthResult =
  /** Not this method's kind of credential: the next method is asked. */
  | { outcome: 'skip' }
  | { outcome: 'ok'; principal: Principal }
  /** This method's kind of credential, but invalid (expired, revoked, bad signature). */
  | { outcome: 'deny'; error: GatewayErrorInfo };

export interface AuthMethod {
  authenticate(request: AuthRequest): Promise<AuthResult>;
}

export interface AuthPlugin {
  manifest: PluginManifest & { kind: 'auth' };
  /** `services` are the host's, by name (e.g. `apiKeys`); see the plugin docs for what each offers. */
  createAuth(settings: Record<string, unknown>, ctx: PluginContext & { services: Record<string, unknown> }): AuthMethod;
}

/* -------------------------------------------------------------------- billing */

/**
 * Prices per unit, in micro-credits (1 credit = 1,000,000 micro-credits; 1 credit = 1 USD by
 * default). Every amount is an integer: money is never a float.
 */
export interface PriceCard {
  inputPer1M?: number;
  outputPer1M?: number;
  /** Prompt tokens read from the provider's prompt cache. */
  cachedInputPer1M?: number;
  /** Prompt tokens written to the provider's prompt cache (Anthropic, Bedrock). */
  cacheWritePer1M?: number;
  embeddingPer1M?: number;
  /** Per image, keyed `${size}/${quality}` (e.g. `1024x1024/standard`) with `*` as a fallback key. */
  perImage?: Record<string, number>;
  /**
   * Long-context pricing (Gemini Pro, Claude Sonnet with 1M context): when the prompt has more
   * than `promptTokens` tokens, the rates given here replace the ones above for the whole request.
   */
  longContext?: { promptTokens: number; inputPer1M?: number; outputPer1M?: number; cachedInputPer1M?: number; cacheWritePer1M?: number };
}

export interface BillableUsage {
  usage: Usage;
  images?: { count: number; size?: string; quality?: string };
}

/** What the payer used in the current period (the calendar month, UTC), before this request. */
export interface PeriodUsage {
  /** `YYYY-MM`. */
  period: string;
  /** What that usage cost at the plain price card (before any rule's discount), in micro-credits. */
  microCredits: number;
  tokens: number;
  requests: number;
}

export interface BillingContext {
  /** The public model name. */
  model: string;
  /** Which API: embeddings are priced with `embeddingPer1M`, images with `perImage`. */
  endpoint: 'chat' | 'embeddings' | 'images' | 'messages';
  /** The price users are charged (the provider's cost with the markup, or a custom rate). */
  price: PriceCard;
  /** Who pays: for rules that depend on history (allowances, tiers). */
  account: { id: string; periodUsage?: PeriodUsage };
}

/**
 * Turns usage and a price into micro-credits. Both functions return a non-negative integer
 * (the host rounds a fraction up and treats a negative or non-finite result as a bug: it charges
 * the plain price instead). They must be pure and fast: they run on the request path.
 */
export interface BillingRule {
  /**
   * False when the rule never reads `ctx.account.periodUsage`. The host then skips reading it and
   * settles without holding the payer's lock for the whole settlement (faster for busy payers).
   * Absent means true: the month so far is read under the payer's lock, so it is exact.
   */
  readsPeriodUsage?: boolean;
  /** The most a request can cost, reserved before the upstream call. */
  estimate(input: { promptTokens: number; maxOutputTokens: number; images?: BillableUsage['images'] }, ctx: BillingContext): number;
  /** What a finished attempt costs. */
  charge(input: BillableUsage, ctx: BillingContext): number;
}

export interface BillingPlugin {
  manifest: PluginManifest & { kind: 'billing' };
  createRule(settings: Record<string, unknown>, ctx: PluginContext): BillingRule;
}

export type AnyPlugin = ProviderPlugin | AuthPlugin | BillingPlugin | NodePlugin;

/* ----------------------------------------------------------------------- node */

export interface NodePlugin {
  manifest: PluginManifest & { kind: 'node' };
  nodeTypes: NodeTypeDefinition[];
}
