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
 * GatewayError (402, 429) to refuse the attempt before any upstream call.
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
      for (let i = 0; i < list.length; i++) if (list[i].beforeAttempt) tokens[i] = await list[i].beforeAttempt!(start);
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
