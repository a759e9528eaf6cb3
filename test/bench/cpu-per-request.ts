import { readFileSync } from 'node:fs';
import { chatBody } from './bench-config';
import { startChild } from './child';
import { runLoad } from './load';
import { rssBytes, toMB } from './memory';
import { startTarget } from './target';

/**
 * `node --no-node-snapshot --import tsx test/bench/cpu-per-request.ts`: loads one process and
 * reports, per run, its requests/s and the CPU time it spent per request (user + system, read
 * from /proc). CPU per request moves less with the machine's drift than requests/s do, which
 * makes it the number to compare two versions of a change with (run each a few times, in turns).
 * Settings (environment): TARGET `plain` (default), `full`, `sdk` or `bare` (as in
 * profile-gateway.ts); C concurrency (32); STREAM=1; RUNS (3) of DURATION_MS (5000) each after a
 * 2 s warm-up; GATEWAY_ENV, a JSON object of extra environment for the process under test.
 */
const target = process.env.TARGET ?? 'plain';
const concurrency = Number(process.env.C ?? 32);
const stream = process.env.STREAM === '1';
const runs = Number(process.env.RUNS ?? 3);
const durationMs = Number(process.env.DURATION_MS ?? 5000);
const extraEnv = JSON.parse(process.env.GATEWAY_ENV ?? '{}') as Record<string, string>;

const upstream = await startChild('upstream-process.ts');
const { child, key } = await startTarget(target, upstream.url, extraEnv);
const pid = child.process.pid!;
const TICKS_PER_SECOND = 100;
/** CPU seconds the process has used: utime + stime, fields 14 and 15 of /proc/<pid>/stat. */
function cpuSeconds(): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

const load = { url: child.url, path: '/chat/completions', body: chatBody(stream), headers: { authorization: `Bearer ${key}` }, concurrency, stream };
try {
  await runLoad({ ...load, durationMs: 2000 });
  for (let i = 0; i < runs; i++) {
    const cpuBefore = cpuSeconds();
    const r = await runLoad({ ...load, durationMs });
    const used = cpuSeconds() - cpuBefore;
    process.stdout.write(
      `${target} ${stream ? 'stream' : 'json'} c=${concurrency}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ` +
        `${r.errors} errors, ${((used * 1e6) / r.requests).toFixed(0)} us CPU per request (${((used / r.seconds) * 100).toFixed(0)}% of a core), RSS ${toMB(rssBytes(pid)).toFixed(0)} MB\n`,
    );
  }
} finally {
  await child.stop();
  await upstream.stop();
}
