/*
 * Micro-benchmark of the executor's own cost: conditional -> fallback (3 targets) -> target,
 * against calling the same (instant) host directly. Run:
 *   node --no-node-snapshot --import tsx packages/core/src/pipeline/overhead.bench.ts
 */
import type { ChatCompletion, PipelineHost, PipelineInput, RequestBody, TargetCall, TargetRef } from '@switchyard/spec';
import { systemClock } from './clock';
import { createMemoryStores } from './stores/memory';
import { compile, e, graph, n, target } from './testing/graphs';

const answer: ChatCompletion = {
  id: 'x',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hi', refusal: null }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
};

const host: PipelineHost = {
  invokeTarget: async (_t: TargetRef, _r: RequestBody, _c: TargetCall) => answer,
  stores: createMemoryStores(),
  clock: systemClock,
};

const input: PipelineInput = {
  kind: 'chat',
  body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there' }], temperature: 0.3 },
  stream: false,
  requestId: 'r',
  headers: { 'x-tier': 'silver' },
  principal: { method: 'api-key', id: 'k', userId: 'u', scopes: ['*'] },
  user: { id: 'u', tier: 'silver' },
};

const pipeline = await compile(
  graph(
    [
      n('if', 'conditional', { rules: [{ id: 'vip', when: 'user.tier == "gold" and headers.x-tier == "gold"' }, { id: 'big', when: 'request.promptChars > 100000' }] }),
      n('fb', 'fallback', { branches: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] }),
      target('ta', 'p1', 'm1'),
      target('tb', 'p2', 'm2'),
      target('tc', 'p3', 'm3'),
      target('tv', 'p9', 'm9'),
      target('tbig', 'p8', 'm8'),
    ],
    [e('if', 'vip', 'tv'), e('if', 'big', 'tbig'), e('if', 'default', 'fb'), e('fb', 'a', 'ta'), e('fb', 'b', 'tb'), e('fb', 'c', 'tc')],
  ),
);

const direct = { provider: 'p1', model: 'm1' };
const call: TargetCall = { kind: 'chat', stream: false, signal: new AbortController().signal, attempt: 1, requestId: 'r', nodeId: 't' };

async function measure(label: string, fn: () => Promise<unknown>, n = 200_000): Promise<number[]> {
  for (let i = 0; i < 20_000; i++) await fn();
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    samples[i] = performance.now() - t0;
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.floor(p * (sorted.length - 1))] * 1000;
  console.log(`${label.padEnd(10)} p50 ${q(0.5).toFixed(2)} us  p90 ${q(0.9).toFixed(2)} us  p99 ${q(0.99).toFixed(2)} us`);
  return [q(0.5), q(0.9), q(0.99)];
}

const [d50, , d99] = await measure('direct', () => host.invokeTarget(direct, input.body, call));
const [p50, , p99] = await measure('pipeline', () => pipeline.run(input, host));
console.log(`overhead   p50 ${(p50 - d50).toFixed(2)} us  p99 ${(p99 - d99).toFixed(2)} us (budget: 200 us at p50)`);
