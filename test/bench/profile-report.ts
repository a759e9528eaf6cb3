import { readFileSync } from 'node:fs';

/**
 * Reads a V8 CPU profile (`node --cpu-prof`) of a bench process and says where its time went:
 * - by package (node_modules/<pkg>, node core, the project's own workspaces), self time;
 * - by layer: the share of samples with the openai SDK, the upstream transport or the database
 *   on their stack (what the gateway's own code cannot make cheaper), GC and idle;
 * - by the project's own function nearest the top of each sample's stack, so that time spent in
 *   a library on the gateway's behalf is charged to the gateway function that asked for it.
 * - the long stretches of work: runs of consecutive busy (not idle) samples of at least
 *   `longMs`, each charged to the function (as above) that took most of it. At concurrency 1 a
 *   request that arrives during such a stretch waits for its end, so they make the p99.
 * Only the last `windowMs` of the profile are read (the load, not the start-up).
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  name: string;
  /** Fraction of the window's sampled time, 0..1. */
  share: number;
}

export interface LongStretches {
  /** Busy stretches this long or longer are counted (ms). */
  longMs: number;
  count: number;
  /** Per second of the window. */
  perSecond: number;
  /** By the function that took most of each stretch: how many, and the longest (ms). */
  byFunction: Array<{ name: string; count: number; maxMs: number }>;
}

export interface ProfileReport {
  windowMs: number;
  packages: Share[];
  layers: Share[];
  ownNearest: Share[];
  long: LongStretches;
}

/** Stack layers, checked in this order: a sample is charged to the first one found on its stack. */
const LAYERS: [string, (f: CallFrame) => boolean][] = [
  ['idle', (f) => f.functionName === '(idle)'],
  ['garbage collector', (f) => f.functionName === '(garbage collector)'],
  ['openai SDK', (f) => f.url.includes('node_modules/openai/')],
  ['upstream transport (pooled fetch, undici)', (f) => f.url.includes('pooled-fetch') || f.url.includes('node_modules/undici/')],
  ['database (knex, sqlite3, pg)', (f) => /node_modules\/(knex|sqlite3|pg|pg-protocol)\//.test(f.url)],
];

const OWN = /\/(server|packages|plugins)\/|\/test\/bench\/dist\//;

/** Whether a frame's script is the project's own code (sources or the compiled build), not a dependency. */
export function isOwnCode(url: string): boolean {
  return OWN.test(url) && !url.includes('node_modules');
}

export function packageOf(url: string): string {
  if (!url) return '(native)';
  const dep = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1];
  if (url.startsWith('node:')) return 'node core';
  const own = /\/(server|packages\/[^/]+|plugins\/[^/]+)\//.exec(url);
  if (own) return own[1];
  if (url.includes('/test/bench/dist/')) return 'compiled build (server, plugins, bench script)';
  return url.split('/').slice(-2).join('/');
}

function sorted(map: Map<string, number>, total: number, limit: number): Share[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, t]) => ({ name, share: total > 0 ? t / total : 0 }));
}

export function analyzeProfile(profile: CpuProfile, options: { windowMs?: number; limit?: number; longMs?: number } = {}): ProfileReport {
  const longMs = options.longMs ?? 1;
  const limit = options.limit ?? 25;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const from = options.windowMs === undefined ? -Infinity : profile.endTime - options.windowMs * 1000;

  const packages = new Map<string, number>();
  const layers = new Map<string, number>();
  const ownNearest = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, t: number) => m.set(k, (m.get(k) ?? 0) + t);
  let total = 0;
  let at = profile.startTime;
  // The busy stretch in progress: its length (us) and time by function.
  let stretch = 0;
  let stretchBy = new Map<string, number>();
  const long = new Map<string, { count: number; maxMs: number }>();
  let longCount = 0;
  const endStretch = () => {
    if (stretch >= longMs * 1000) {
      const name = [...stretchBy].sort((a, b) => b[1] - a[1])[0][0];
      const entry = long.get(name) ?? { count: 0, maxMs: 0 };
      entry.count++;
      entry.maxMs = Math.max(entry.maxMs, stretch / 1000);
      long.set(name, entry);
      longCount++;
    }
    stretch = 0;
    stretchBy = new Map();
  };
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (at < from) continue;
    total += dt;
    const stack: CallFrame[] = [];
    for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) stack.push(byId.get(id)!.callFrame);
    add(packages, packageOf(stack[0].url), dt);
    add(layers, LAYERS.find(([, on]) => stack.some(on))?.[0] ?? 'the rest (node core, the gateway, other libraries)', dt);
    const own = stack.find((f) => isOwnCode(f.url));
    const nearest = own ? `${own.functionName || '(anonymous)'} ${own.url.split('/').slice(-1)[0]}:${own.lineNumber + 1}` : `[no own frame] ${stack[0].functionName || '(anonymous)'}`;
    add(ownNearest, nearest, dt);
    // A sample's delta is the time since the previous one: it belongs to the stretch this sample continues.
    if (stack[0].functionName === '(idle)') endStretch();
    else {
      stretch += dt;
      add(stretchBy, nearest, dt);
    }
  }
  endStretch();
  const byFunction = [...long]
    .sort((a, b) => b[1].count - a[1].count)
    .slice(0, limit)
    .map(([name, e]) => ({ name, count: e.count, maxMs: e.maxMs }));
  const seconds = total / 1e6;
  return {
    windowMs: total / 1000,
    packages: sorted(packages, total, limit),
    layers: sorted(layers, total, LAYERS.length + 1),
    ownNearest: sorted(ownNearest, total, limit),
    long: { longMs, count: longCount, perSecond: seconds > 0 ? longCount / seconds : 0, byFunction },
  };
}

export function formatReport(report: ProfileReport): string {
  const lines = (title: string, rows: Share[]) => [`${title}`, ...rows.map((r) => `${(r.share * 100).toFixed(1).padStart(6)}%  ${r.name}`)];
  return [
    `CPU profile, ${report.windowMs.toFixed(0)} ms sampled`,
    '',
    ...lines('By layer (first match on the stack):', report.layers),
    '',
    ...lines('By package (self time):', report.packages),
    '',
    ...lines('By the nearest own function on the stack:', report.ownNearest),
    '',
    `Busy stretches of ${report.long.longMs} ms or more: ${report.long.count} (${report.long.perSecond.toFixed(1)} a second), by the function that took most of each:`,
    ...report.long.byFunction.map((f) => `${String(f.count).padStart(6)}  longest ${f.maxMs.toFixed(1).padStart(5)} ms  ${f.name}`),
  ].join('\n');
}

export function reportFile(file: string, windowMs?: number, longMs?: number): string {
  return formatReport(analyzeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, { windowMs, longMs }));
}
