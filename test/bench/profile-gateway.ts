import { startChild } from './child';
import { startFullGateway } from './gateway-full';
import { runLoad } from './load';

/**
 * `node --import tsx test/bench/profile-gateway.ts [dir]`: a CPU profile of the gateway under
 * load (concurrency 32, non-streamed chat), written to `dir` for a developer to inspect.
 * STREAM=1 profiles streamed chat; FULL=1 the all-features gateway (gateway-full-process.ts).
 */
const dir = process.argv[2] ?? 'bench-profile';
const upstream = await startChild('upstream-process.ts');
const profile = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
const full = process.env.FULL === '1' ? await startFullGateway(upstream.url, {}, profile) : undefined;
const gateway = full?.child ?? (await startChild('gateway-process.ts', { UPSTREAM_URL: upstream.url }, profile));
const key = full?.customer.key ?? 'sy-bench-key';
const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }], max_tokens: 64, ...(process.env.STREAM === '1' ? { stream: true, stream_options: { include_usage: true } } : {}) };
const load = { url: gateway.url, path: '/chat/completions', body, headers: { authorization: `Bearer ${key}` }, concurrency: 32, stream: process.env.STREAM === '1' };
await runLoad({ ...load, durationMs: 2000 });
const result = await runLoad({ ...load, durationMs: 6000 });
process.stdout.write(`${result.rps.toFixed(0)} req/s, p50 ${result.p50.toFixed(2)} ms, ${result.errors} errors; profile in ${dir}\n`);
await gateway.stop();
await upstream.stop();
