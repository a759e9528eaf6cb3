import type { LiveRequest } from './live-request';

/** The per-second figures pushed to dashboards as the `stats` event. */
export interface LiveStats {
  /** Start of the second (epoch ms). */
  t: number;
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  costMicros: number;
  creditsMicros: number;
  /** Streams in flight right now, over every instance. */
  activeStreams: number;
  /** Gateway instances whose traffic is included. */
  instances: number;
}

export class Counts {
  requests = 0;
  errors = 0;
  promptTokens = 0;
  completionTokens = 0;
  costMicros = 0;
  creditsMicros = 0;

  add(r: LiveRequest): void {
    this.requests++;
    if (r.status >= 400) this.errors++;
    this.promptTokens += r.promptTokens;
    this.completionTokens += r.completionTokens;
    this.costMicros += r.costMicros ?? 0;
    this.creditsMicros += r.creditsMicros ?? 0;
  }

  stats(t: number, activeStreams: number, instances: number): LiveStats {
    return {
      t,
      requests: this.requests,
      errors: this.errors,
      promptTokens: this.promptTokens,
      completionTokens: this.completionTokens,
      totalTokens: this.promptTokens + this.completionTokens,
      costMicros: this.costMicros,
      creditsMicros: this.creditsMicros,
      activeStreams,
      instances,
    };
  }
}

/**
 * Requests seen (from this instance and the others) since the last tick, totalled overall and
 * per user, plus the requests themselves for the `requests` event.
 */
export class LiveWindow {
  total = new Counts();
  byUser = new Map<string, Counts>();
  requests: LiveRequest[] = [];

  add(r: LiveRequest): void {
    this.total.add(r);
    if (r.userId) {
      let c = this.byUser.get(r.userId);
      if (!c) this.byUser.set(r.userId, (c = new Counts()));
      c.add(r);
    }
    this.requests.push(r);
  }

  /** Hands over what was collected and starts a new window. */
  take(): { total: Counts; byUser: Map<string, Counts>; requests: LiveRequest[] } {
    const out = { total: this.total, byUser: this.byUser, requests: this.requests };
    this.total = new Counts();
    this.byUser = new Map();
    this.requests = [];
    return out;
  }
}
