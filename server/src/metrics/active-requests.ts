import type { GatewayHooks } from '../dispatch/hooks';

interface Entry {
  refs: number;
  stream: boolean;
  userId?: string;
  since: number;
}

/** Entries older than this are assumed lost (a request whose end was never reported). */
const STALE_MS = 6 * 3_600_000;

/**
 * Requests in flight from their first upstream attempt to their end: the live feed's "active
 * streams" and the in-flight gauges. Keyed by request id, counted by reference because a client
 * may send the same x-request-id twice.
 */
export class ActiveRequests {
  private readonly active = new Map<string, Entry>();

  readonly hooks: GatewayHooks = {
    beforeAttempt: (start) => {
      if (start.attempt !== 1) return;
      const e = this.active.get(start.requestId);
      if (e) e.refs++;
      else {
        const stream = (start.request as { stream?: unknown } | undefined)?.stream === true;
        this.active.set(start.requestId, { refs: 1, stream, userId: start.principal?.userId, since: Date.now() });
      }
    },
    onRequestEnd: (s) => {
      const e = this.active.get(s.requestId);
      if (!e) return;
      if (--e.refs <= 0) this.active.delete(s.requestId);
    },
  };

  counts(now = Date.now()): { requests: number; streams: number; streamsByUser: Record<string, number> } {
    let requests = 0;
    let streams = 0;
    const streamsByUser: Record<string, number> = {};
    for (const [id, e] of this.active) {
      if (now - e.since > STALE_MS) {
        this.active.delete(id);
        continue;
      }
      requests += e.refs;
      if (e.stream) {
        streams += e.refs;
        if (e.userId) streamsByUser[e.userId] = (streamsByUser[e.userId] ?? 0) + e.refs;
      }
    }
    return { requests, streams, streamsByUser };
  }
}
