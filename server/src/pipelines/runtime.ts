import type { CompiledPipeline } from '@switchyard/core';
import type { Logger } from '@switchyard/spec';

/**
 * One compiled, published version as requests use it. Requests hold a lease while they run
 * (streams: until the relay ends), so a version replaced by a publish keeps serving the
 * requests that started on it and is disposed of (script isolates freed) after the last one.
 */
export class LivePipeline {
  private inflight = 0;
  private retired = false;
  private disposing: Promise<void> | undefined;

  constructor(
    readonly id: string,
    /** The pipeline's current name (allowedPipelines may list names); renaming updates it. */
    public name: string,
    readonly version: number,
    readonly compiled: CompiledPipeline,
    private readonly logger?: Logger,
  ) {}

  get inFlight(): number {
    return this.inflight;
  }

  get disposed(): boolean {
    return this.disposing !== undefined;
  }

  acquire(): void {
    this.inflight++;
  }

  release(): void {
    this.inflight--;
    if (this.inflight === 0 && this.retired) void this.dispose();
  }

  /** No new requests will come; dispose of it once the running ones are done. */
  retire(): void {
    this.retired = true;
    if (this.inflight === 0) void this.dispose();
  }

  dispose(): Promise<void> {
    this.disposing ??= this.compiled.dispose().catch((err: Error) => {
      this.logger?.error({ pipeline: this.id, version: this.version, err: err.message }, 'could not dispose of a pipeline version');
    });
    return this.disposing;
  }
}

/**
 * The published pipelines requests run, by id. Swapping is one Map write: a request that
 * looked its pipeline up a moment earlier finishes on the version it got.
 */
export class PipelineRuntime {
  private readonly live = new Map<string, LivePipeline>();
  /** Replaced versions still finishing requests, by pipeline id. */
  private readonly draining = new Map<string, Set<LivePipeline>>();

  get(id: string): LivePipeline | undefined {
    return this.live.get(id);
  }

  ids(): string[] {
    return [...this.live.keys()];
  }

  /**
   * Makes `next` the version requests get. The version it replaces is disposed of once its
   * requests finish; one replaced earlier and still not drained is disposed of now, so a
   * request that never ends cannot keep old versions alive forever.
   */
  install(next: LivePipeline): void {
    const previous = this.live.get(next.id);
    this.live.set(next.id, next);
    if (previous && previous !== next) this.retire(previous);
  }

  /** Stops serving a pipeline (deleted, or unpublishable); running requests finish. */
  remove(id: string): void {
    const previous = this.live.get(id);
    if (!previous) return;
    this.live.delete(id);
    this.retire(previous);
  }

  private retire(old: LivePipeline): void {
    const set = this.draining.get(old.id) ?? new Set<LivePipeline>();
    for (const stale of set) void stale.dispose();
    set.clear();
    old.retire();
    if (!old.disposed) set.add(old);
    if (set.size > 0) this.draining.set(old.id, set);
    else this.draining.delete(old.id);
  }

  /** Versions replaced but still serving requests (for tests and diagnostics). */
  drainingCount(id: string): number {
    return [...(this.draining.get(id) ?? [])].filter((p) => !p.disposed).length;
  }

  async close(): Promise<void> {
    const all = [...this.live.values(), ...[...this.draining.values()].flatMap((s) => [...s])];
    this.live.clear();
    this.draining.clear();
    await Promise.all(all.map((p) => p.dispose()));
  }
}
