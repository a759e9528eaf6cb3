/**
 * How fast prompt counting is, ours against js-tiktoken's encoder on the same ranks.
 * Run: node --import tsx test/billing/tokenizer-bench.ts
 */
import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
import { BpeCounter } from '../../server/src/billing/tokens/bpe-counter';

const time = (label: string, fn: () => unknown, repeat = 1) => {
  const t0 = performance.now();
  for (let i = 0; i < repeat; i++) fn();
  const ms = (performance.now() - t0) / repeat;
  console.log(`${label.padEnd(44)} ${ms.toFixed(3).padStart(10)} ms`);
  return ms;
};

const chat = 'You are a helpful assistant. Summarise the following report in three bullet points, keeping numbers exact. '.repeat(40); // ~4 KB
const prose = Array.from({ length: 4000 }, (_, i) => `Paragraph ${i}: the committee reviewed item ${i * 7} and agreed, unanimously, to defer it.`).join('\n'); // ~350 KB, varied
const code = Array.from({ length: 6000 }, (_, i) => `export function f${i}(x: number): number { return x * ${i} + Math.sqrt(x); }`).join('\n'); // ~450 KB
const mixed = '日本語のテキストと English text, emoji 🚀 and Ünïcödé. '.repeat(2000);

let ref!: Tiktoken;
let ours!: BpeCounter;
time('load ranks: js-tiktoken Tiktoken', () => (ref = new Tiktoken(o200k)));
time('load ranks: BpeCounter', () => (ours = new BpeCounter(o200k)));
for (const [name, text] of [['4 KB chat prompt', chat], ['350 KB prose', prose], ['450 KB code', code], ['mixed scripts', mixed]] as const) {
  console.log(`\n${name}: ${text.length} chars, ${ours.count(text)} tokens (js-tiktoken: ${ref.encode(text, [], []).length})`);
  const repeat = text.length < 10_000 ? 200 : 3;
  time('  js-tiktoken encode().length', () => ref.encode(text, [], []).length, repeat);
  time('  BpeCounter.count', () => ours.count(text), repeat);
}
