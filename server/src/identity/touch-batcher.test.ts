import { describe, expect, it } from 'vitest';
import { TouchBatcher } from './touch-batcher';

describe('TouchBatcher', () => {
  it('collapses many touches into one write with the latest time per id', async () => {
    const writes: Array<Map<string, number>> = [];
    const b = new TouchBatcher(async (batch) => void writes.push(batch), 60_000);
    b.touch('k1', 10);
    b.touch('k1', 30);
    b.touch('k1', 20);
    b.touch('k2', 5);
    expect(writes).toHaveLength(0);
    await b.flush();
    expect(writes).toEqual([new Map([['k1', 30], ['k2', 5]])]);
    await b.flush();
    expect(writes).toHaveLength(1);
  });

  it('writes by itself after the interval', async () => {
    let resolve!: (batch: Map<string, number>) => void;
    const written = new Promise<Map<string, number>>((r) => (resolve = r));
    const b = new TouchBatcher(async (batch) => resolve(batch), 5);
    b.touch('k', 1);
    expect(await written).toEqual(new Map([['k', 1]]));
  });

  it('survives a failing write', async () => {
    let fail = true;
    const seen: string[] = [];
    const b = new TouchBatcher(async (batch) => {
      if (fail) throw new Error('db down');
      seen.push(...batch.keys());
    }, 60_000);
    b.touch('a', 1);
    await b.flush();
    fail = false;
    b.touch('b', 2);
    await b.flush();
    expect(seen).toEqual(['b']);
  });
});
