import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chatBody } from './bench-config';
import { startChild } from './child';
import { runLoad } from './load';
import { isOwnCode, packageOf } from './profile-report';
import { startTarget } from './target';

/**
 * `node --no-node-snapshot --import tsx test/bench/alloc-profile.ts`: what one process allocates
 * per request under load, and where. V8's sampling heap profiler (alloc-sampler.mjs) runs over a
 * load after a warm-up, counting freed objects too; the report gives bytes allocated per request,
 * by package, by allocating function, and by the project's own function nearest the allocation
 * (as profile-report.ts does for time). Allocation drives the collector's work, on the main thread
 * and on V8's helper threads. ALLOC_MODE=promoted counts only what outlived the young generation,
 * ALLOC_MODE=retained only what is alive when the profile stops (see alloc-sampler.mjs). Settings as cpu-per-request.ts: TARGET, C, STREAM, DURATION_MS,
 * GATEWAY_ENV.
 */
interface AllocNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: AllocNode[];
}

const target = process.env.TARGET ?? 'plain';
const stream = process.env.STREAM === '1';
const file = path.join(tmpdir(), `switchyard-alloc-${process.pid}.json`);
const sampler = path.join(path.dirname(fileURLToPath(import.meta.url)), 'alloc-sampler.mjs');
const extraEnv = { ...(JSON.parse(process.env.GATEWAY_ENV ?? '{}') as Record<string, string>), ALLOC_PROFILE_FILE: file, ALLOC_MODE: process.env.ALLOC_MODE ?? 'all' };

const upstream = await startChild('upstream-process.ts');
const { child, key } = await startTarget(target, upstream.url, extraEnv, ['--import', sampler, ...(JSON.parse(process.env.NODE_ARGS ?? '[]') as string[])]);
const load = { url: child.url, path: '/chat/completions', body: chatBody(stream), headers: { authorization: `Bearer ${key}` }, concurrency: Number(process.env.C ?? 32), stream };
let requests = 0;
try {
  await runLoad({ ...load, durationMs: 3000 });
  child.process.kill('SIGUSR2');
  const result = await runLoad({ ...load, durationMs: Number(process.env.DURATION_MS ?? 5000) });
  requests = result.requests;
  const written = new Promise<void>((resolve) => {
    const off = child.onLine((line) => {
      if (line.includes('ALLOC_PROFILE_WRITTEN')) {
        off();
        resolve();
      }
    });
  });
  child.process.kill('SIGUSR2');
  await written;
  process.stdout.write(`${target}, ${stream ? 'streamed' : 'JSON'} chat: ${result.rps.toFixed(0)} req/s, ${result.errors} errors\n`);
} finally {
  await child.stop();
  await upstream.stop();
}

const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
const byOwn = new Map<string, number>();
let total = 0;
const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
const frameName = (f: AllocNode['callFrame']) => `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-1)[0]}:${f.lineNumber + 1}`;

function walk(node: AllocNode, own: string): void {
  const f = node.callFrame;
  const nearest = isOwnCode(f.url) ? frameName(f) : own;
  if (node.selfSize > 0) {
    total += node.selfSize;
    add(byFunction, frameName(f), node.selfSize);
    add(byPackage, packageOf(f.url), node.selfSize);
    add(byOwn, nearest, node.selfSize);
  }
  for (const c of node.children) walk(c, nearest);
}
walk((JSON.parse(readFileSync(file, 'utf8')) as { head: AllocNode }).head, '[no own frame]');

const perRequest = (n: number) => `${(n / requests / 1024).toFixed(1)} KB`;
const table = (title: string, m: Map<string, number>, limit = 25) =>
  `${title}\n` +
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, n]) => `  ${perRequest(n).padStart(9)}  ${((n / total) * 100).toFixed(1).padStart(5)}%  ${name}`)
    .join('\n');
process.stdout.write(
  `${process.env.ALLOC_MODE === 'promoted' ? 'promoted' : 'allocated'} per request (sampled): ${perRequest(total)} over ${requests} requests\n\n` +
    `${table('By package', byPackage, 15)}\n\n${table('By allocating function', byFunction)}\n\n${table('By the nearest own function', byOwn)}\n`,
);
