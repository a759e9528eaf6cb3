import type { Usage } from '@switchyard/spec';
import type { AttemptRecord, Endpoint, RequestSummary } from '../dispatch/hooks';
import './billing-fields';

/** What is recorded about one request: no prompts, no secrets. */
export interface UsageEvent {
  /** When the request arrived (epoch ms). */
  ts: number;
  requestId: string;
  endpoint: Endpoint;
  authMethod: string | null;
  keyId: string | null;
  userId: string | null;
  projectId: string | null;
  pipelineId: string | null;
  pipelineVersion: number | null;
  requestedModel: string;
  providerId: string | null;
  modelId: string | null;
  upstreamModel: string | null;
  credentialId: string | null;
  attempts: number;
  status: number;
  errorType: string | null;
  errorCode: string | null;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  images: number;
  tokensEstimated: boolean;
  costMicros: number | null;
  creditsMicros: number | null;
  latencyMs: number;
  ttftMs: number | null;
  /** Time spent in upstream attempts; latency minus this is the gateway's own overhead. */
  upstreamMs: number;
  stream: boolean;
  cacheHit: boolean;
}

/**
 * The usage event of a request, or undefined for requests refused before any upstream attempt
 * (no attempts and no cache hit): those never cost anything and billing never saw them, and
 * billing reconciles "every settled request has its usage row and vice versa".
 */
export function toUsageEvent(s: RequestSummary): UsageEvent | undefined {
  if (s.attempts.length === 0 && !s.cacheHit) return undefined;
  const shown = s.final ?? s.attempts[s.attempts.length - 1];
  const tokens = countTokens(s.attempts);
  const p = s.principal;
  return {
    ts: s.startedAt,
    requestId: clip(s.requestId, 128)!,
    endpoint: s.endpoint,
    authMethod: clip(p?.method, 32),
    keyId: clip(p?.id, 128),
    userId: clip(p?.userId, 128),
    projectId: clip(p?.projectId, 128),
    pipelineId: clip(s.pipeline?.id, 128),
    pipelineVersion: s.pipeline?.version ?? null,
    requestedModel: clip(s.requestedModel, 200) ?? '',
    providerId: clip(shown?.providerId, 64),
    // A cache hit has no attempt; the model asked for is the one it answered as.
    modelId: clip(shown?.modelId ?? s.requestedModel, 200),
    upstreamModel: clip(shown?.upstreamModel, 200),
    credentialId: clip(shown?.credentialId ?? undefined, 64),
    attempts: s.attempts.length,
    status: s.status,
    errorType: clip(s.errorType, 64),
    errorCode: clip(s.errorCode ?? undefined, 64),
    ...tokens,
    costMicros: s.costMicros ?? sumDefined(s.attempts.map((a) => a.costMicros)),
    creditsMicros: s.creditsMicros ?? sumDefined(s.attempts.map((a) => a.creditsMicros)),
    latencyMs: s.latencyMs,
    ttftMs: s.ttftMs ?? null,
    upstreamMs: s.attempts.reduce((t, a) => t + a.latencyMs, 0),
    stream: s.stream,
    cacheHit: s.cacheHit,
  };
}

type TokenCounts = Pick<UsageEvent, 'promptTokens' | 'completionTokens' | 'cachedTokens' | 'reasoningTokens' | 'images' | 'tokensEstimated'>;

/** Tokens over every attempt: a fallback may have consumed some before the one that answered. */
export function countTokens(attempts: AttemptRecord[]): TokenCounts {
  const out: TokenCounts = { promptTokens: 0, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0, images: 0, tokensEstimated: false };
  for (const a of attempts) {
    out.images += a.images ?? 0;
    const counted = billedUsage(a);
    if (a.usage) addUsage(out, a.usage);
    else if (counted) {
      addUsage(out, counted);
      out.tokensEstimated = true;
    } else if (a.deliveredText) {
      out.completionTokens += estimateTokens(a.deliveredText);
      out.tokensEstimated = true;
    }
  }
  return out;
}

/**
 * Billing's own count for an attempt the upstream reported no usage for (its tokenizer, over the
 * prompt and the delivered text), found on `attempt.billing.usage` (see AttemptBilling in
 * dispatch/hooks.ts). Read structurally so usage recording also runs without billing.
 */
function billedUsage(a: AttemptRecord): Usage | undefined {
  return (a as { billing?: { usage?: Usage } }).billing?.usage;
}

function addUsage(out: TokenCounts, u: Usage): void {
  out.promptTokens += u.prompt_tokens ?? 0;
  out.completionTokens += u.completion_tokens ?? 0;
  out.cachedTokens += u.prompt_tokens_details?.cached_tokens ?? 0;
  out.reasoningTokens += u.completion_tokens_details?.reasoning_tokens ?? 0;
}

/**
 * A cheap stand-in for a tokenizer, used only when the upstream reported no usage (a cut stream)
 * and billing did not count it: about four characters per token for ASCII, one per token for
 * other scripts. The row is flagged `tokens_estimated`. A real tokenizer is too slow to load and
 * run here (hundreds of ms to load, ms per kB).
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 128) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 4) + other;
}

function sumDefined(values: Array<number | undefined>): number | null {
  let sum: number | null = null;
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) sum = (sum ?? 0) + Math.round(v);
  return sum;
}

function clip(v: string | undefined | null, max: number): string | null {
  if (v === undefined || v === null) return null;
  return v.length > max ? v.slice(0, max) : v;
}
