import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulators/types';
import { storageBackends } from '../support/backends';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { chat, credentialsUsed, poolView, storedCredentials, SummaryLog } from './support';

/** A provider plugin and its emulator, which accepts exactly one credential. */
export interface PoolTarget {
  name: string;
  plugin: string;
  /** When the plugin reports every refused credential with one status, whatever the upstream sent. */
  refusedAs?: number;
  start(): Promise<{
    emulator: Emulator;
    settings: Record<string, unknown>;
    /** The credential the emulator accepts. */
    good: Record<string, string>;
    /** A well-formed credential the emulator refuses. */
    bad: Record<string, string>;
    upstreamModel: string;
    close(): Promise<void>;
  }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Two credentials on one provider, through the real plugin against its emulator: a refused
 * credential (401/403) is disabled with the reason recorded and the request succeeds on the
 * other; a rate-limited one (429) cools down for the upstream's Retry-After and comes back after.
 * Each case has a provider of its own, so their pools do not meet.
 */
export async function describePoolAgainst(target: PoolTarget): Promise<void> {
  describe.each(await storageBackends())(`credential pool through the ${target.name} plugin (%s)`, (backend) => {
    let gw: TestGateway;
    let emulator: Emulator;
    let close: () => Promise<void>;
    let secrets: { good: Record<string, string>; bad: Record<string, string> };
    const log = new SummaryLog();

    beforeAll(async () => {
      const started = await target.start();
      ({ emulator, close } = started);
      secrets = { good: started.good, bad: started.bad };
      const provider = (id: string, credentials: Array<{ name: string; secret: Record<string, string>; weight?: number }>) => ({ id, plugin: target.plugin, settings: started.settings, credentials });
      const model = (id: string) => ({ id, provider: id, upstreamModel: started.upstreamModel });
      gw = await startTestGateway({
        backend,
        seedMock: false,
        hooks: [log.hook],
        config: {
          providers: [
            provider('wrong-key', [
              { name: 'good', secret: started.good },
              { name: 'bad', secret: started.bad },
            ]),
            provider('refused-401', [
              { name: 'one', secret: started.good },
              { name: 'two', secret: started.good },
            ]),
            provider('refused-403', [
              { name: 'one', secret: started.good },
              { name: 'two', secret: started.good },
            ]),
            provider('limited', [
              { name: 'one', secret: started.good },
              { name: 'two', secret: started.good },
            ]),
          ],
          models: [model('wrong-key'), model('refused-401'), model('refused-403'), model('limited')],
          pipelines: [],
        },
      });
    });
    afterAll(async () => {
      await gw?.stop();
      await close?.();
    });

    it('disables the credential the upstream refuses, records why, and serves every request with the other', async () => {
      const before = await poolView(gw, 'wrong-key');
      const bad = before.find((c) => c.name === 'bad')!;
      const good = before.find((c) => c.name === 'good')!;
      // Equal weights: each request tries the bad key first with probability 1/2, so within 40
      // requests it is tried (the chance it is not is 2^-40).
      for (let i = 0; i < 40 && !log.all.some((s) => credentialsUsed(s.attempts).includes(bad.id)); i++) {
        const res = await chat(gw, 'wrong-key');
        expect(res.status, JSON.stringify(res.body)).toBe(200);
      }
      const refusedAttempt = log.all.flatMap((s) => s.attempts).find((a) => a.credentialId === bad.id)!;
      expect([401, 403]).toContain(refusedAttempt.status);

      const after = await poolView(gw, 'wrong-key');
      expect(after.find((c) => c.id === bad.id)).toMatchObject({ state: 'disabled', reason: expect.stringMatching(/^upstream answered 40[13]/) });
      expect(after.find((c) => c.id === good.id)).toMatchObject({ state: 'active', reason: null });
      // The reason never repeats the refused secret.
      for (const value of Object.values(secrets.bad)) expect(after.find((c) => c.id === bad.id)!.reason).not.toContain(value);
      await expect.poll(async () => (await storedCredentials(gw, 'wrong-key')).find((c) => c.id === bad.id)).toMatchObject({ state: 'disabled', stateReason: expect.stringMatching(/40[13]/) });

      // From now on only the good credential is tried.
      for (let i = 0; i < 5; i++) {
        const res = await chat(gw, 'wrong-key');
        expect(res.status).toBe(200);
        expect(credentialsUsed(log.of(res.requestId).attempts)).toEqual([good.id]);
      }
    });

    it.each([401, 403])('disables a credential on a scripted upstream %i and retries on the other', async (status) => {
      const providerId = `refused-${status}`;
      emulator.enqueue({ error: { status, kind: 'auth', message: status === 401 ? 'invalid credentials' : 'access denied' } });
      const res = await chat(gw, providerId);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const attempts = log.of(res.requestId).attempts;
      const refusedStatus = attempts[0].status;
      expect(refusedStatus).toBe(target.refusedAs ?? status);
      expect(attempts.map((a) => a.status)).toEqual([refusedStatus, 200]);
      const [refused, served] = credentialsUsed(attempts);
      expect(refused).not.toBe(served);

      const view = await poolView(gw, providerId);
      expect(view.find((c) => c.id === refused)).toMatchObject({ state: 'disabled', reason: expect.stringContaining(`upstream answered ${refusedStatus}`) });
      expect(view.find((c) => c.id === served)).toMatchObject({ state: 'active' });
      await expect.poll(async () => (await storedCredentials(gw, providerId)).find((c) => c.id === refused)?.state).toBe('disabled');
    });

    it('cools a rate-limited credential down for the Retry-After, then brings it back', async () => {
      emulator.enqueue({ error: { status: 429, kind: 'rate_limit', message: 'slow down', retryAfterSeconds: 1 } });
      const first = await chat(gw, 'limited');
      const answeredAt = Date.now();
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      const attempts = log.of(first.requestId).attempts;
      expect(attempts.map((a) => a.status)).toEqual([429, 200]);
      const [cooled, other] = credentialsUsed(attempts) as string[];

      const view = await poolView(gw, 'limited');
      const cooling = view.find((c) => c.id === cooled)!;
      expect(cooling).toMatchObject({ state: 'cooling', reason: expect.stringContaining('429') });
      // The cool-down ends one second (the upstream's Retry-After) after the 429 arrived.
      expect(cooling.cooldownUntil).toBeGreaterThanOrEqual(first.sentAt + 1000);
      expect(cooling.cooldownUntil).toBeLessThanOrEqual(answeredAt + 1000);
      expect(view.find((c) => c.id === other)).toMatchObject({ state: 'active' });
      await expect.poll(async () => (await storedCredentials(gw, 'limited')).find((c) => c.id === cooled)).toMatchObject({ state: 'cooling', cooldownUntil: cooling.cooldownUntil });

      // While it cools, requests go to the other credential.
      const during = await chat(gw, 'limited');
      expect(during.status).toBe(200);
      if (during.sentAt < cooling.cooldownUntil! - 50) expect(credentialsUsed(log.of(during.requestId).attempts)).toEqual([other]);

      // Once the Retry-After has passed it is active again and takes requests: with the other
      // credential rate limited next, the request is served whichever of the two is tried first,
      // and the one that cooled is among those tried.
      await sleep(cooling.cooldownUntil! - Date.now() + 5);
      expect((await poolView(gw, 'limited')).find((c) => c.id === cooled)!.state).toBe('active');
      emulator.enqueue({ error: { status: 429, kind: 'rate_limit', message: 'slow down', retryAfterSeconds: 60 } });
      const back = await chat(gw, 'limited');
      expect(back.status, JSON.stringify(back.body)).toBe(200);
      expect(credentialsUsed(log.of(back.requestId).attempts)).toContain(cooled);
    });
  });
}
