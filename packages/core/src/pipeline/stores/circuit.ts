import type { CircuitAdmission, CircuitPolicy, CircuitState } from '@switchyard/spec';

/*
 * The circuit-breaker state machine as pure functions, so every store (memory, Redis) applies
 * the same rules:
 *   closed --(failureThreshold failures within windowMs)--> open
 *   open --(cooldownMs later, on the next call)--> half_open, which lets halfOpenProbes calls through
 *   half_open --(successesToClose probe successes)--> closed;  --(a probe fails)--> open again
 */

export function initialCircuit(): CircuitState {
  return { phase: 'closed', failures: [], probesInFlight: 0, probeSuccesses: 0 };
}

function opened(now: number): CircuitState {
  return { phase: 'open', failures: [], openedAt: now, probesInFlight: 0, probeSuccesses: 0 };
}

/** Decides whether a call may go ahead; returns the new state and the admission. */
export function admitCall(state: CircuitState, policy: CircuitPolicy, now: number): { state: CircuitState; admission: CircuitAdmission } {
  if (state.phase === 'closed') return { state, admission: { allowed: true, phase: 'closed', probe: false } };
  const since = now - (state.openedAt ?? now);
  if (state.phase === 'open') {
    if (since < policy.cooldownMs) {
      return { state, admission: { allowed: false, phase: 'open', probe: false, retryAfterMs: Math.max(0, policy.cooldownMs - since) } };
    }
    const half: CircuitState = { phase: 'half_open', failures: [], openedAt: now, probesInFlight: 1, probeSuccesses: 0 };
    return { state: half, admission: { allowed: true, phase: 'half_open', probe: true } };
  }
  // half_open: a probe that never reported (a crashed process) frees its slot after a cool-down.
  const stale = since >= policy.cooldownMs;
  if (state.probesInFlight < policy.halfOpenProbes || stale) {
    const next: CircuitState = { ...state, probesInFlight: stale ? 1 : state.probesInFlight + 1, openedAt: stale ? now : state.openedAt };
    return { state: next, admission: { allowed: true, phase: 'half_open', probe: true } };
  }
  return { state, admission: { allowed: false, phase: 'half_open', probe: false, retryAfterMs: Math.max(0, policy.cooldownMs - since) } };
}

/** Applies the end of an admitted call. */
export function reportCall(state: CircuitState, outcome: { ok: boolean; probe: boolean }, policy: CircuitPolicy, now: number): CircuitState {
  if (state.phase === 'closed') {
    if (outcome.ok) return state;
    const failures = state.failures.filter((t) => now - t < policy.windowMs);
    failures.push(now);
    return failures.length >= policy.failureThreshold ? opened(now) : { ...state, failures };
  }
  if (state.phase === 'half_open' && outcome.probe) {
    if (!outcome.ok) return opened(now);
    const successes = state.probeSuccesses + 1;
    if (successes >= policy.successesToClose) return initialCircuit();
    return { ...state, probesInFlight: Math.max(0, state.probesInFlight - 1), probeSuccesses: successes };
  }
  // Calls admitted before the circuit opened that finish now do not change it.
  return state;
}
