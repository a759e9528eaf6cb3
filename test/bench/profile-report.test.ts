import { describe, expect, it } from 'vitest';
import { analyzeProfile, formatReport, packageOf, type CpuProfile } from './profile-report';

const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });

/**
 * A start-up sample 10 ms in, then four samples 1 ms apart: the gateway's handler calling the
 * SDK, which calls undici; the handler alone; the garbage collector. A window of the last 3.5 ms
 * leaves the start-up sample out.
 */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 5, 6] },
    { id: 2, callFrame: frame('handle', 'file:///app/server/src/http/v1/chat.ts'), children: [3] },
    { id: 3, callFrame: frame('makeRequest', 'file:///app/node_modules/openai/client.mjs'), children: [4] },
    { id: 4, callFrame: frame('request', 'file:///app/node_modules/undici/lib/api.js') },
    { id: 5, callFrame: frame('(garbage collector)', '') },
    { id: 6, callFrame: frame('compile', 'node:internal/modules/esm/utils') },
  ],
  startTime: 0,
  endTime: 14_000,
  samples: [6, 3, 4, 2, 5],
  timeDeltas: [10_000, 1_000, 1_000, 1_000, 1_000],
};

describe('profile report', () => {
  it('charges each sample to its layer, its package and the nearest own function, within the window', () => {
    const report = analyzeProfile(profile, { windowMs: 3.5 });
    expect(report.windowMs).toBe(4);
    const share = (rows: { name: string; share: number }[], name: string) => rows.find((r) => r.name === name)?.share;
    // The SDK sample and the undici sample under it are both the SDK's: the first layer found wins.
    expect(share(report.layers, 'openai SDK')).toBe(0.5);
    expect(share(report.layers, 'garbage collector')).toBe(0.25);
    expect(share(report.layers, 'the rest (node core, the gateway, other libraries)')).toBe(0.25);
    expect(share(report.packages, 'openai')).toBe(0.25);
    expect(share(report.packages, 'undici')).toBe(0.25);
    expect(share(report.packages, 'server')).toBe(0.25);
    expect(share(report.ownNearest, 'handle chat.ts:10')).toBe(0.75);
    expect(share(report.packages, 'node core')).toBeUndefined();
  });

  it('reads the whole profile without a window', () => {
    const report = analyzeProfile(profile);
    expect(report.windowMs).toBe(14);
    expect(report.packages[0]).toEqual({ name: 'node core', share: 10 / 14 });
    expect(formatReport(report)).toContain('71.4%  node core');
  });

  it('counts the long busy stretches between idle samples, each charged to the function that took most of it', () => {
    // The profile above with an idle node under the root.
    const withIdle: CpuProfile = {
      nodes: [{ ...profile.nodes[0], children: [2, 5, 6, 7] }, ...profile.nodes.slice(1), { id: 7, callFrame: frame('(idle)', '') }],
      startTime: 0,
      endTime: 9_000,
      // busy 3 ms (handle twice, GC once), idle, busy 1 ms, idle, busy 2 ms of GC
      samples: [2, 3, 5, 7, 2, 7, 5, 5],
      timeDeltas: [1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000],
    };
    const report = analyzeProfile(withIdle, { longMs: 2 });
    expect(report.long.count).toBe(2);
    expect(report.long.perSecond).toBeCloseTo(2 / 0.008);
    expect(report.long.byFunction).toEqual([
      { name: 'handle chat.ts:10', count: 1, maxMs: 3 },
      { name: '[no own frame] (garbage collector)', count: 1, maxMs: 2 },
    ]);
    expect(formatReport(report)).toContain('Busy stretches of 2 ms or more: 2');
  });

  it('names packages, node core and the workspaces', () => {
    expect(packageOf('file:///x/node_modules/@aws-sdk/client-bedrock-runtime/dist/index.js')).toBe('@aws-sdk/client-bedrock-runtime');
    expect(packageOf('node:internal/streams/readable')).toBe('node core');
    expect(packageOf('file:///x/plugins/provider-openai/src/stream.ts')).toBe('plugins/provider-openai');
    expect(packageOf('')).toBe('(native)');
  });
});
