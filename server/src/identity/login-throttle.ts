import type { IdentitySettings } from './settings';

interface Counter {
  failures: number;
  lastFailureAt: number;
  blockedUntil: number;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Slows password guessing down, per account and per client IP. After a number of free failures
 * each further failure doubles the wait (up to a ceiling); a success clears the account's count.
 * Counters live in this process; with several instances each one throttles on its own, which
 * multiplies an attacker's budget by the instance count but keeps the exponential backoff.
 * The unit is a key: `account:<email>` or `ip:<address>`; unknown accounts count too, so the
 * answer never tells whether an account exists.
 */
export class LoginThrottle {
  private readonly counters = new Map<string, Counter>();

  constructor(
    private readonly policy: IdentitySettings['throttle'],
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  static accountKey(email: string): string {
    return `account:${email.trim().toLowerCase()}`;
  }

  static ipKey(ip: string): string {
    return `ip:${ip}`;
  }

  /** Whether an attempt may be made now for all of these keys. */
  check(keys: string[]): ThrottleVerdict {
    const now = this.now();
    let wait = 0;
    for (const key of keys) {
      const c = this.live(key, now);
      if (c && c.blockedUntil > now) wait = Math.max(wait, c.blockedUntil - now);
    }
    return wait > 0 ? { allowed: false, retryAfterMs: wait } : { allowed: true };
  }

  failure(keys: string[]): void {
    const now = this.now();
    for (const key of keys) {
      const c = this.live(key, now) ?? { failures: 0, lastFailureAt: now, blockedUntil: 0 };
      c.failures++;
      c.lastFailureAt = now;
      const free = key.startsWith('ip:') ? this.policy.ipFreeFailures : this.policy.accountFreeFailures;
      if (c.failures >= free) {
        const doublings = Math.min(c.failures - free, 30);
        c.blockedUntil = now + Math.min(this.policy.baseDelayMs * 2 ** doublings, this.policy.maxDelayMs);
      }
      // Re-insert so the map stays ordered by last activity; the oldest go first when full.
      this.counters.delete(key);
      this.counters.set(key, c);
    }
    while (this.counters.size > this.maxKeys) this.counters.delete(this.counters.keys().next().value!);
  }

  success(keys: string[]): void {
    for (const key of keys) this.counters.delete(key);
  }

  private live(key: string, now: number): Counter | undefined {
    const c = this.counters.get(key);
    if (c && now - c.lastFailureAt > this.policy.forgetAfterMs && c.blockedUntil <= now) {
      this.counters.delete(key);
      return undefined;
    }
    return c;
  }
}
