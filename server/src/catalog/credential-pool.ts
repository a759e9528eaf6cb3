import { GatewayError } from '@switchyard/core';
import type { CredentialState, UnlockedCredential } from '../repos/credentials';

/** Cool-down after a 429 that gave no Retry-After. */
export const DEFAULT_COOLDOWN_MS = 30_000;

export interface PoolMember {
  id: string;
  name: string;
  weight: number;
  secret: Record<string, string>;
  state: CredentialState;
  reason: string | null;
  cooldownUntil: number | null;
}

export interface StateChange {
  credentialId: string;
  state: CredentialState;
  reason: string | null;
  cooldownUntil: number | null;
}

/**
 * The credentials of one provider, chosen by weight. A 401/403 disables a credential until
 * an operator fixes it; a 429 cools it down (honouring Retry-After). State changes are handed
 * to `onChange` so they are persisted and visible in the admin API.
 */
export class CredentialPool {
  private readonly members: PoolMember[];

  constructor(
    readonly providerId: string,
    credentials: UnlockedCredential[],
    private readonly onChange: (change: StateChange) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.members = credentials
      .filter((c) => c.enabled)
      .map((c) => ({ id: c.id, name: c.name, weight: Math.max(0, c.weight), secret: c.secret, state: c.state, reason: c.stateReason, cooldownUntil: c.cooldownUntil }));
  }

  get size(): number {
    return this.members.length;
  }

  /** Picks a usable credential, or throws the error that explains why none is usable. */
  pick(exclude?: ReadonlySet<string>, random: () => number = Math.random): PoolMember {
    const now = this.now();
    let total = 0;
    let usable: PoolMember[] | undefined;
    for (const m of this.members) {
      if (exclude?.has(m.id) || !this.isUsable(m, now) || m.weight === 0) continue;
      (usable ??= []).push(m);
      total += m.weight;
    }
    if (!usable) throw this.noneUsable(now);
    let r = random() * total;
    for (const m of usable) {
      r -= m.weight;
      if (r < 0) return m;
    }
    return usable[usable.length - 1];
  }

  private isUsable(m: PoolMember, now: number): boolean {
    if (m.state === 'disabled') return false;
    if (m.state === 'cooling') {
      if (m.cooldownUntil !== null && m.cooldownUntil > now) return false;
      // The cool-down is over: back in rotation.
      this.set(m, 'active', null, null);
    }
    return true;
  }

  private noneUsable(now: number): GatewayError {
    const cooling = this.members.filter((m) => m.state === 'cooling' && m.cooldownUntil !== null);
    if (cooling.length > 0) {
      const soonest = Math.min(...cooling.map((m) => m.cooldownUntil!));
      return new GatewayError({
        status: 429,
        type: 'rate_limit_error',
        code: 'upstream_rate_limited',
        message: `Every credential of provider '${this.providerId}' is rate limited upstream; try again later.`,
        retryable: true,
        retryAfterMs: Math.max(0, soonest - now),
      });
    }
    return new GatewayError({
      status: 503,
      type: 'server_error',
      code: 'no_usable_credential',
      message: `Provider '${this.providerId}' has no usable credential (all are disabled); an administrator must fix them.`,
      retryable: true,
    });
  }

  /** Feeds an attempt's failure back into the pool. */
  report(credentialId: string, err: GatewayError): void {
    const m = this.members.find((x) => x.id === credentialId);
    if (!m) return;
    if (err.status === 401 || err.status === 403) {
      this.set(m, 'disabled', `upstream answered ${err.status}: ${err.message}`.slice(0, 500), null);
    } else if (err.status === 429) {
      this.set(m, 'cooling', 'upstream rate limit (429)', this.now() + (err.retryAfterMs ?? DEFAULT_COOLDOWN_MS));
    }
  }

  states(): Array<Pick<PoolMember, 'id' | 'name' | 'weight' | 'state' | 'reason' | 'cooldownUntil'>> {
    const now = this.now();
    return this.members.map(({ id, name, weight, state, reason, cooldownUntil }) => ({
      id,
      name,
      weight,
      state: state === 'cooling' && cooldownUntil !== null && cooldownUntil <= now ? 'active' : state,
      reason,
      cooldownUntil,
    }));
  }

  private set(m: PoolMember, state: CredentialState, reason: string | null, cooldownUntil: number | null): void {
    m.state = state;
    m.reason = reason;
    m.cooldownUntil = cooldownUntil;
    this.onChange({ credentialId: m.id, state, reason, cooldownUntil });
  }
}
