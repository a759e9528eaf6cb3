import { readdirSync, readFileSync } from 'node:fs';
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
 * 2 s warm-up; GATEWAY_ENV, a JSON object of extra environment for the process under test;
 * NODE_ARGS, a JSON array of extra node flags for it (e.g. ["--trace-gc"]; a V8 flag given twice
 * takes the later value, so this can also try another value of one of the server's node flags);
 * CHILD_OUTPUT=1 passes on what that process prints (e.g. the --trace-gc lines) to stderr.
 * Each run also splits the CPU by thread kind (the main thread, V8's helper threads for GC and
 * compilation, libuv's pool that runs file and SQLite work), from /proc/<pid>/task.
 */
const target = process.env.TARGET ?? 'plain';
const concurrency = Number(process.env.C ?? 32);
const stream = process.env.STREAM === '1';
const runs = Number(process.env.RUNS ?? 3);
const durationMs = Number(process.env.DURATION_MS ?? 5000);
const extraEnv = JSON.parse(process.env.GATEWAY_ENV ?? '{}') as Record<string, string>;
const nodeArgs = JSON.parse(process.env.NODE_ARGS ?? '[]') as string[];

const upstream = await startChild('upstream-process.ts');
const { child, key } = await startTarget(target, upstream.url, extraEnv, nodeArgs);
const pid = child.process.pid!;
if (process.env.CHILD_OUTPUT === '1') child.onLine((line) => process.stderr.write(`${line}\n`));
const TICKS_PER_SECOND = 100;
/** CPU seconds used: utime + stime, fields 14 and 15 of a /proc stat file. */
function statSeconds(file: string): number {
  const fields = readFileSync(file, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}
const cpuSeconds = () => statSeconds(`/proc/${pid}/stat`);

/** CPU seconds by thread kind. Threads that ended are not counted (Node's are long-lived). */
function threadSeconds(): Map<string, number> {
  const byKind = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const kind = Number(tid) === pid ? 'main' : comm.replace(/[\s\d]+$/, '');
      byKind.set(kind, (byKind.get(kind) ?? 0) + statSeconds(`/proc/${pid}/task/${tid}/stat`));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return byKind;
}

function threadShare(before: Map<string, number>, after: Map<string, number>, requests: number): string {
  return [...after]
    .map(([kind, seconds]) => [kind, seconds - (before.get(kind) ?? 0)] as const)
    .filter(([, seconds]) => seconds > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, seconds]) => `${kind} ${((seconds * 1e6) / requests).toFixed(0)}`)
    .join(', ');
}

const load = { url: child.url, path: '/chat/completions', body: chatBody(stream), headers: { authorization: `Bearer ${key}` }, concurrency, stream };
try {
  await runLoad({ ...load, durationMs: 2000 });
  for (let i = 0; i < runs; i++) {
    const cpuBefore = cpuSeconds();
    const threadsBefore = threadSeconds();
    const r = await runLoad({ ...load, durationMs });
    const used = cpuSeconds() - cpuBefore;
    const threads = threadShare(threadsBefore, threadSeconds(), r.requests);
    process.stdout.write(
      `${target} ${stream ? 'stream' : 'json'} c=${concurrency}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ` +
        `${r.errors} errors, ${((used * 1e6) / r.requests).toFixed(0)} us CPU per request (${((used / r.seconds) * 100).toFixed(0)}% of a core), RSS ${toMB(rssBytes(pid)).toFixed(0)} MB\n  us per request by thread: ${threads}\n`,
    );
  }
} finally {
  await child.stop();
  await upstream.stop();
}
