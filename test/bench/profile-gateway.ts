import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { chatBody } from './bench-config';
import { startChild } from './child';
import { runLoad } from './load';
import { reportFile } from './profile-report';
import { startTarget } from './target';

/**
 * `node --no-node-snapshot --import tsx test/bench/profile-gateway.ts [dir]`: a CPU profile of
 * the gateway under load (non-streamed chat at concurrency 32, or C), written to `dir`, followed by a
 * report of where the time of the measured load went (profile-report.ts).
 * STREAM=1 profiles streamed chat. TARGET picks the process: `plain` (default, the gateway as
 * `npm start` runs it), `full` (the all-features gateway, gateway-full-process.ts), `sdk` (the
 * SDK floor, sdk-proxy.ts) or `bare` (the bare proxy). FULL=1 is the same as TARGET=full.
 * GATEWAY_ENV: a JSON object of extra environment for that process (e.g. {"BENCH_LEASES":"off"}).
 * PROFILE_INTERVAL_US: the sampling interval (default 1000 us; 100 to see short stretches of
 * work); LONG_MS: the shortest busy stretch the report lists (default 1 ms).
 */
const dir = path.resolve(process.argv[2] ?? 'bench-profile');
const target = process.env.FULL === '1' ? 'full' : (process.env.TARGET ?? 'plain');
const stream = process.env.STREAM === '1';
const profile = ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${Number(process.env.PROFILE_INTERVAL_US ?? 1000)}`];
mkdirSync(dir, { recursive: true });
const before = new Set(readdirSync(dir));

const upstream = await startChild('upstream-process.ts');
const { child, key } = await startTarget(target, upstream.url, JSON.parse(process.env.GATEWAY_ENV ?? '{}') as Record<string, string>, profile);

const load = { url: child.url, path: '/chat/completions', body: chatBody(stream), headers: { authorization: `Bearer ${key}` }, concurrency: Number(process.env.C ?? 32), stream };
await runLoad({ ...load, durationMs: 2000 });
const started = performance.now();
const result = await runLoad({ ...load, durationMs: 6000 });
process.stdout.write(`${target}, ${stream ? 'streamed' : 'JSON'} chat: ${result.rps.toFixed(0)} req/s, p50 ${result.p50.toFixed(2)} ms, ${result.errors} errors\n`);
await child.stop();
// The profile ends at exit: its last (load + shutdown) milliseconds are the measured load.
const windowMs = performance.now() - started;
await upstream.stop();

const written = readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile') && !before.has(f))
  .map((f) => path.join(dir, f))
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
if (written.length === 0) throw new Error(`no CPU profile was written to ${dir}`);
process.stdout.write(`profile: ${written[0]}\n\n${reportFile(written[0], windowMs, process.env.LONG_MS ? Number(process.env.LONG_MS) : undefined)}\n`);
