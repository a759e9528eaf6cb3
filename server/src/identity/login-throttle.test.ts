import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle';

const policy = { accountFreeFailures: 3, ipFreeFailures: 5, baseDelayMs: 1000, maxDelayMs: 8000, forgetAfterMs: 60_000 };

describe('LoginThrottle', () => {
  const setup = () => {
    const clock = { now: 0 };
    return { clock, t: new LoginThrottle(policy, () => clock.now) };
  };
  const acct = LoginThrottle.accountKey('Alice@Example.com ');
  const ip = LoginThrottle.ipKey('10.0.0.1');

  it('allows the free failures, then blocks with doubling waits up to the ceiling', () => {
    const { clock, t } = setup();
    for (let i = 0; i < 2; i++) {
      expect(t.check([acct])).toEqual({ allowed: true });
      t.failure([acct]);
    }
    t.failure([acct]); // third failure: backoff starts
    expect(t.check([acct])).toEqual({ allowed: false, retryAfterMs: 1000 });
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const v = t.check([acct]);
      clock.now += v.allowed ? 0 : v.retryAfterMs;
      t.failure([acct]);
      const after = t.check([acct]);
      waits.push(after.allowed ? 0 : after.retryAfterMs);
    }
    expect(waits).toEqual([2000, 4000, 8000, 8000, 8000]);
  });

  it('normalises the account key', () => {
    expect(acct).toBe(LoginThrottle.accountKey('alice@example.com'));
  });

  it('counts per IP across accounts', () => {
    const { t } = setup();
    for (let i = 0; i < 5; i++) t.failure([LoginThrottle.accountKey(`user${i}@x.io`), ip]);
    expect(t.check([LoginThrottle.accountKey('fresh@x.io'), ip]).allowed).toBe(false);
    expect(t.check([LoginThrottle.accountKey('fresh@x.io'), LoginThrottle.ipKey('10.0.0.2')]).allowed).toBe(true);
  });

  it('a success clears the account but not the IP', () => {
    const { t } = setup();
    for (let i = 0; i < 5; i++) t.failure([acct, ip]);
    t.success([acct]);
    expect(t.check([acct]).allowed).toBe(true);
    expect(t.check([ip]).allowed).toBe(false);
  });

  it('forgets old failures', () => {
    const { clock, t } = setup();
    t.failure([acct]);
    t.failure([acct]);
    clock.now += 60_001;
    t.failure([acct]);
    expect(t.check([acct]).allowed).toBe(true);
  });
});
