import { describe, expect, it } from 'vitest';
import type { CompiledPipeline } from '@switchyard/core';
import { LivePipeline, PipelineRuntime } from './runtime';

function version(n: number) {
  const disposals = { count: 0 };
  const compiled = { dispose: async () => void disposals.count++ } as unknown as CompiledPipeline;
  return { live: new LivePipeline('p', 'P', n, compiled), disposals };
}

describe('running versions', () => {
  it('keeps a replaced version until its last request ends, then disposes of it once', async () => {
    const runtime = new PipelineRuntime();
    const v1 = version(1);
    runtime.install(v1.live);
    v1.live.acquire();
    v1.live.acquire();
    const v2 = version(2);
    runtime.install(v2.live);
    expect(runtime.get('p')).toBe(v2.live);
    expect(runtime.drainingCount('p')).toBe(1);
    v1.live.release();
    expect(v1.live.disposed).toBe(false);
    v1.live.release();
    await v1.live.dispose();
    expect(v1.disposals.count).toBe(1);
    expect(runtime.drainingCount('p')).toBe(0);
    expect(v2.live.disposed).toBe(false);
  });

  it('disposes of an idle replaced version at once, and of a stuck one at the next swap', async () => {
    const runtime = new PipelineRuntime();
    const v1 = version(1);
    runtime.install(v1.live);
    v1.live.acquire();
    runtime.install(version(2).live);
    expect(v1.live.disposed).toBe(false);
    const v2 = runtime.get('p')!;
    runtime.install(version(3).live);
    expect(v1.live.disposed).toBe(true);
    expect(v2.disposed).toBe(true);
  });

  it('stops serving a removed pipeline and disposes of everything on close', async () => {
    const runtime = new PipelineRuntime();
    const v1 = version(1);
    runtime.install(v1.live);
    runtime.remove('p');
    expect(runtime.get('p')).toBeUndefined();
    expect(v1.live.disposed).toBe(true);
    const v2 = version(2);
    runtime.install(v2.live);
    await runtime.close();
    expect(v2.disposals.count).toBe(1);
  });
});
