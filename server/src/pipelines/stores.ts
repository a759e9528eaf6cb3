import { createMemoryStores } from '@switchyard/core';
import type { CircuitAdmission, CircuitPhase, CircuitPolicy, CircuitStore, PipelineStores } from '@switchyard/spec';
import type { CircuitStateReporter } from '../metrics/gateway-metrics';

/**
 * The one place the pipelines' shared state is built: rate-limit counters, breakers, the
 * response cache and latency averages: this process's memory, or the stores every instance
 * shares (Redis, when REDIS_URL is set) handed in as `shared`. Test runs always get fresh memory.
 */
export function createPipelineStores(options: { circuitReporter?: CircuitStateReporter; shared?: PipelineStores } = {}): PipelineStores {
  // `shared`: stores every instance uses (Redis, server/src/scale) instead of this process's memory.
  const stores = options.shared ? { ...options.shared } : createMemoryStores();
  if (options.circuitReporter) stores.circuits = new ReportingCircuitStore(stores.circuits, options.circuitReporter);
  return stores;
}

/** The target a breaker key names, when it names one (`circuit:target:<provider>/<model>[#credential]`). */
export function targetOfCircuitKey(key: string): { provider: string; model: string } | undefined {
  const bare = key.startsWith('circuit:') ? key.slice('circuit:'.length) : key;
  if (!bare.startsWith('target:')) return undefined;
  const rest = bare.slice('target:'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const hash = rest.lastIndexOf('#');
  const model = rest.slice(slash + 1, hash > slash ? hash : undefined);
  return { provider: rest.slice(0, slash), model };
}

const MAX_TRACKED = 10_000;

/**
 * Passes every call through and tells the metrics when a target's breaker changes phase
 * (the `switchyard_circuit_state{provider,model}` gauge). Breakers keyed by a custom name or a
 * node have no single target to label and are not reported.
 */
export class ReportingCircuitStore implements CircuitStore {
  private readonly last = new Map<string, CircuitPhase>();

  constructor(
    private readonly inner: CircuitStore,
    private readonly reporter: CircuitStateReporter,
  ) {}

  async admit(key: string, policy: CircuitPolicy, now: number): Promise<CircuitAdmission> {
    const admission = await this.inner.admit(key, policy, now);
    this.seen(key, admission.phase);
    return admission;
  }

  async report(key: string, outcome: { ok: boolean; probe: boolean }, policy: CircuitPolicy, now: number): Promise<CircuitPhase> {
    const phase = await this.inner.report(key, outcome, policy, now);
    this.seen(key, phase);
    return phase;
  }

  private seen(key: string, phase: CircuitPhase): void {
    if (this.last.get(key) === phase) return;
    const target = targetOfCircuitKey(key);
    if (!target) return;
    if (this.last.size >= MAX_TRACKED && !this.last.has(key)) this.last.clear();
    this.last.set(key, phase);
    try {
      this.reporter.setCircuitState(target, phase);
    } catch {
      // Metrics must never fail a request.
    }
  }
}
