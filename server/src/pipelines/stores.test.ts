import { describe, expect, it } from 'vitest';
import { MemoryCircuitStore } from '@switchyard/core';
import type { CircuitPolicy } from '@switchyard/spec';
import { ReportingCircuitStore, targetOfCircuitKey } from './stores';

const policy: CircuitPolicy = { failureThreshold: 2, windowMs: 60_000, cooldownMs: 1000, halfOpenProbes: 1, successesToClose: 1 };

describe('circuit keys and the circuit-state gauge', () => {
  it('reads the target out of a breaker key', () => {
    expect(targetOfCircuitKey('circuit:target:openai/gpt-4o')).toEqual({ provider: 'openai', model: 'gpt-4o' });
    expect(targetOfCircuitKey('circuit:target:openrouter/meta/llama-3#cred_1')).toEqual({ provider: 'openrouter', model: 'meta/llama-3' });
    expect(targetOfCircuitKey('target:anthropic/claude')).toEqual({ provider: 'anthropic', model: 'claude' });
    expect(targetOfCircuitKey('circuit:node:pl:cb:next')).toBeUndefined();
    expect(targetOfCircuitKey('circuit:shared-name')).toBeUndefined();
  });

  it('reports each phase change of a target breaker once', async () => {
    const seen: Array<[string, string, string]> = [];
    const store = new ReportingCircuitStore(new MemoryCircuitStore(), {
      setCircuitState: (t, s) => seen.push([t.provider, t.model ?? '', s]),
      clearCircuitState: () => undefined,
    });
    const key = 'circuit:target:openai/gpt-4o';
    await store.admit(key, policy, 0);
    await store.report(key, { ok: false, probe: false }, policy, 1);
    await store.report(key, { ok: false, probe: false }, policy, 2);
    expect((await store.admit(key, policy, 3)).allowed).toBe(false);
    const probe = await store.admit(key, policy, 2000);
    expect(probe).toMatchObject({ allowed: true, probe: true });
    await store.report(key, { ok: true, probe: true }, policy, 2001);
    expect(seen).toEqual([
      ['openai', 'gpt-4o', 'closed'],
      ['openai', 'gpt-4o', 'open'],
      ['openai', 'gpt-4o', 'half_open'],
      ['openai', 'gpt-4o', 'closed'],
    ]);
  });

  it('never lets a failing gauge fail the call', async () => {
    const store = new ReportingCircuitStore(new MemoryCircuitStore(), {
      setCircuitState: () => {
        throw new Error('metrics down');
      },
      clearCircuitState: () => undefined,
    });
    await expect(store.admit('circuit:target:a/b', policy, 0)).resolves.toMatchObject({ allowed: true });
  });
});
