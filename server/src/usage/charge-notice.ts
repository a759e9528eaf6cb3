import type { SettlingCharge } from '../billing/events';
import type { SettledCharge } from '../billing/ledger/queries';
import type { UsageEvent } from './usage-event';

/**
 * The default ledger commits a charge before its answer leaves, and the request's usage event is
 * journaled only after that. A process killed in between would leave a charge no usage row
 * explains. So just before the commit, the usage journal gets a charge notice, on disk at once:
 * who asked, which target, the tokens billed. Recovery stores a dead process's events as usual;
 * a notice whose request has no event anywhere, but a settled charge in the database, becomes that
 * request's usage row, built from the notices and what the ledger collected (`usageFromCharges`).
 * Charges against credit leases need none: their charge journal is written after the usage
 * journal in every turn (journal/journal-turn.ts).
 */
export interface ChargeNotice
  extends Pick<
    UsageEvent,
    | 'requestId' | 'endpoint' | 'stream' | 'authMethod' | 'keyId' | 'userId' | 'projectId' | 'credentialId' | 'upstreamMs'
    | 'promptTokens' | 'completionTokens' | 'cachedTokens' | 'reasoningTokens' | 'images' | 'tokensEstimated' | 'costMicros'
  > {
  kind: 'charge-notice';
  attempt: number;
  /** When the attempt began (epoch ms). */
  ts: number;
  providerId: string;
  modelId: string;
  upstreamModel: string;
}

/** What the usage journal holds: accepted usage events, and charge notices. */
export type UsageJournalRecord = UsageEvent | ChargeNotice;

export function isChargeNotice(record: UsageJournalRecord): record is ChargeNotice {
  return (record as ChargeNotice).kind === 'charge-notice';
}

/** The status and error code of a usage row built from charge notices: the process ended before the answer left. */
export const UNANSWERED_STATUS = 502;
export const UNANSWERED_CODE = 'gateway_stopped_before_answer';

export function chargeNotice(charge: SettlingCharge, now = Date.now()): ChargeNotice {
  const { start, outcome, usage } = charge;
  const p = start.principal;
  return {
    kind: 'charge-notice',
    requestId: start.requestId,
    attempt: start.attempt,
    ts: Math.round(now - outcome.latencyMs),
    endpoint: start.endpoint,
    stream: (start.request as { stream?: unknown } | undefined)?.stream === true,
    authMethod: p?.method ?? null,
    keyId: p?.id ?? null,
    userId: p?.userId ?? null,
    projectId: p?.projectId ?? null,
    providerId: start.providerId,
    modelId: start.modelId,
    upstreamModel: start.upstreamModel,
    credentialId: outcome.credentialId,
    upstreamMs: outcome.latencyMs,
    promptTokens: usage.prompt_tokens ?? 0,
    completionTokens: usage.completion_tokens ?? 0,
    cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
    images: charge.images,
    tokensEstimated: charge.countedLocally,
    costMicros: charge.costMicros ?? null,
  };
}

/**
 * The usage row of a request known only by its charge notices: their attempts that the ledger
 * settled, summed; undefined when none was settled (the process died before the commit, so
 * nobody was charged). Its latency runs from the first attempt to the last charge.
 */
export function usageFromCharges(notices: ChargeNotice[], settled: SettledCharge[]): UsageEvent | undefined {
  const collected = new Map(settled.map((s) => [s.attempt, s]));
  const charged = notices.filter((n) => collected.has(n.attempt)).sort((a, b) => a.attempt - b.attempt);
  if (charged.length === 0) return undefined;
  const first = charged[0];
  const last = charged[charged.length - 1];
  const sum = (pick: (n: ChargeNotice) => number) => charged.reduce((t, n) => t + pick(n), 0);
  const costs = charged.filter((n) => n.costMicros !== null);
  const settledAt = Math.max(...charged.map((n) => collected.get(n.attempt)!.settledAt));
  return {
    ts: first.ts,
    requestId: first.requestId,
    endpoint: first.endpoint,
    authMethod: first.authMethod,
    keyId: first.keyId,
    userId: first.userId,
    projectId: first.projectId,
    pipelineId: null,
    pipelineVersion: null,
    requestedModel: first.modelId,
    providerId: last.providerId,
    modelId: last.modelId,
    upstreamModel: last.upstreamModel,
    credentialId: last.credentialId,
    attempts: last.attempt,
    status: UNANSWERED_STATUS,
    errorType: 'server_error',
    errorCode: UNANSWERED_CODE,
    promptTokens: sum((n) => n.promptTokens),
    completionTokens: sum((n) => n.completionTokens),
    cachedTokens: sum((n) => n.cachedTokens),
    reasoningTokens: sum((n) => n.reasoningTokens),
    images: sum((n) => n.images),
    tokensEstimated: charged.some((n) => n.tokensEstimated),
    costMicros: costs.length ? costs.reduce((t, n) => t + n.costMicros!, 0) : null,
    creditsMicros: charged.reduce((t, n) => t + collected.get(n.attempt)!.collected, 0),
    latencyMs: Math.max(0, settledAt - first.ts),
    ttftMs: null,
    upstreamMs: sum((n) => n.upstreamMs),
    stream: first.stream,
    cacheHit: false,
  };
}
