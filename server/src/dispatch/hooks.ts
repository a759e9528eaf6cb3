import type { GatewayError } from '@switchyard/core';
import type { Principal, Usage } from '@switchyard/spec';

export type Endpoint = 'chat' | 'embeddings' | 'images' | 'messages';

/** One upstream attempt: which target, how it went. */
export interface AttemptRecord {
  providerId: string;
  /** The public model name the route matched. */
  modelId: string;
  upstreamModel: string;
  credentialId: string | null;
  /** HTTP-like status of the attempt: 200, or the error's status. */
  status: number;
  errorType?: string;
  errorCode?: string | null;
  latencyMs: number;
  ttftMs?: number;
  usage?: Usage;
  images?: number;
  /** Streams: the attempt ended before the upstream said it was done. */
  cut?: boolean;
  /** Streams without upstream usage (cut, or an upstream that reports none): the text delivered, to count. */
  deliveredText?: string;
  /** Set by billing in its afterAttempt: what the attempt cost upstream, in micro-credits (see AttemptBilling). */
  costMicros?: number;
  /** Set by billing in its afterAttempt: what the payer was charged (collected), in micro-credits. */
  creditsMicros?: number;
  /** Set by billing in its afterAttempt: the details (see AttemptBilling). */
  billing?: AttemptBilling;
}

/**
 * Billing's verdict on one attempt: the contract between billing and usage records.
 *
 * The billing hooks are first in combineHooks. Their afterAttempt writes onto the attempt record
 * before it returns, so later afterAttempt hooks and every onRequestEnd listener (usage rows,
 * metrics, the live feed) find the figures on `summary.attempts[i]`:
 * - `costMicros`: what the attempt cost upstream at the provider's list price, converted to
 *   micro-credits; `creditsMicros`: what the payer was charged (collected). Both are 0 for an
 *   attempt that delivered nothing, `creditsMicros` is 0 when nobody pays (admin key, byok
 *   mode), and both stay undefined when the target has no price.
 * - `billing`: the details, including `settlementId` (the join key to billing_settlements: in
 *   credits mode every attempt with a payer has exactly one settlement row, `settled` or
 *   `released`) and `usage`, the tokens billed. When the upstream reported no usage (cut
 *   streams, `deliveredText`), `billing.usage` holds the gateway's own tokenizer count and
 *   `billing.usageCountedLocally` is true; the attempt's own `usage` stays the upstream's.
 * Amounts are integer micro-units. Attempts refused before the call (402, 429) have no record.
 */
export interface AttemptBilling {
  mode: 'byok' | 'credits';
  /** The charged account (`user:<id>` or `project:<id>`); absent when nobody pays (admin key, byok mode). */
  payer?: string;
  /** Whether a price was found for the target. */
  priced: boolean;
  /** What the provider charges for this attempt at its list price, micro-USD. */
  costMicroUsd: number;
  /** What the billing rule charged the payer (0 when nobody pays). */
  chargedMicroCredits: number;
  /** What the ledger took: the charge, unless the balance ran out mid-request. */
  collectedMicroCredits: number;
  /** What was held before the call (0 when nothing was). */
  reservedMicroCredits: number;
  /** The usage billed: the upstream's, or counted by the gateway from the prompt and `deliveredText`. */
  usage?: Usage;
  usageCountedLocally?: boolean;
  /** The billing_settlements row (credits mode with a payer). */
  settlementId?: string;
  /** Settling failed (e.g. the database was unreachable): nothing was charged, and reconciliation returns the hold. */
  error?: string;
}

/** Everything known about a request when it ends, for usage records, metrics and the live feed. */
export interface RequestSummary {
  requestId: string;
  principal?: Principal;
  endpoint: Endpoint;
  stream: boolean;
  requestedModel: string;
  startedAt: number;
  latencyMs: number;
  ttftMs?: number;
  status: number;
  errorType?: string;
  errorCode?: string | null;
  attempts: AttemptRecord[];
  /** The attempt that answered (the last successful one), if any. */
  final?: AttemptRecord;
  cacheHit: boolean;
  pipeline?: { id: string; version: number };
}

export interface AttemptStart {
  requestId: string;
  principal?: Principal;
  endpoint: Endpoint;
  providerId: string;
  modelId: string;
  upstreamModel: string;
  /** The canonical request about to be sent (read-only). */
  request: unknown;
  attempt: number;
}

/**
 * Extension points on the request path. Billing reserves before each attempt and settles after
 * it; usage, metrics and the live feed listen to request ends. `beforeAttempt` may throw a
 * GatewayError (402, 429) to refuse the attempt before any upstream call; the hooks before it in
 * combineHooks then get an afterAttempt with that error and a record that never reaches the
 * request summary, so they can undo their part (billing returns its hold).
 */
export interface GatewayHooks {
  beforeAttempt?(start: AttemptStart): Promise<unknown> | unknown;
  afterAttempt?(start: AttemptStart, token: unknown, outcome: AttemptRecord, error?: GatewayError): Promise<void> | void;
  onRequestEnd?(summary: RequestSummary): void;
}

/** Runs several hook sets in order (billing, then usage, then metrics...). Tokens stay aligned by position. */
export function combineHooks(list: GatewayHooks[]): Required<GatewayHooks> {
  return {
    async beforeAttempt(start) {
      const tokens: unknown[] = new Array(list.length);
      for (let i = 0; i < list.length; i++) {
        if (!list[i].beforeAttempt) continue;
        try {
          tokens[i] = await list[i].beforeAttempt!(start);
        } catch (err) {
          // A later hook refused the attempt: the earlier ones are told it ended before any call,
          // so whatever they did is undone (billing returns its hold).
          await undoEarlier(list.slice(0, i), start, tokens, err);
          throw err;
        }
      }
      return tokens;
    },
    async afterAttempt(start, token, outcome, error) {
      const tokens = token as unknown[];
      for (let i = 0; i < list.length; i++) if (list[i].afterAttempt) await list[i].afterAttempt!(start, tokens?.[i], outcome, error);
    },
    onRequestEnd(summary) {
      for (const h of list) {
        try {
          h.onRequestEnd?.(summary);
        } catch {
          // A listener's failure must never fail the request it is told about.
        }
      }
    },
  };
}

async function undoEarlier(earlier: GatewayHooks[], start: AttemptStart, tokens: unknown[], err: unknown): Promise<void> {
  const gw = err as Partial<GatewayError> | undefined;
  const refused: AttemptRecord = {
    providerId: start.providerId,
    modelId: start.modelId,
    upstreamModel: start.upstreamModel,
    credentialId: null,
    status: typeof gw?.status === 'number' ? gw.status : 500,
    errorType: gw?.type ?? 'server_error',
    errorCode: gw?.code ?? null,
    latencyMs: 0,
  };
  for (let i = 0; i < earlier.length; i++) {
    try {
      await earlier[i].afterAttempt?.(start, tokens[i], { ...refused }, err as GatewayError);
    } catch {
      // Undoing is best effort; the refusal is what the client must see.
    }
  }
}
