import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
import cl100k from 'js-tiktoken/ranks/cl100k_base';
import { describe, expect, it } from 'vitest';
import { BpeCounter } from './bpe-counter';

const SAMPLES = [
  '',
  'Hello, world!',
  'The quick brown fox jumps over the lazy dog. It\'s 12345 o\'clock; we\'ll see.',
  'function add(a, b) {\n  return a + b; // sum\n}\n\n\tconst x = [1, 2, 3].map((n) => n ** 2);',
  'Ünïcödé: naïve café, Straße, 日本語のテキスト、中文文本，한국어 텍스트 and emoji 👩‍💻🚀✨',
  'Special markers count as text: <|endoftext|> and <|endofprompt|> here.',
  '    indented\r\n\r\nlines\n\n\n   trailing spaces   ',
  'a'.repeat(200) + ' ' + '=-'.repeat(120),
  JSON.stringify({ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }),
];

describe.each([
  ['o200k_base', o200k],
  ['cl100k_base', cl100k],
])('BpeCounter (%s)', (_name, ranks) => {
  const reference = new Tiktoken(ranks);
  const counter = new BpeCounter(ranks);

  it('counts exactly what js-tiktoken encodes', () => {
    for (const text of SAMPLES) expect(counter.count(text), JSON.stringify(text.slice(0, 40))).toBe(reference.encode(text, [], []).length);
  });

  it('gives the same answer from its word cache as on first sight', () => {
    const text = SAMPLES[2].repeat(3);
    expect(counter.count(text)).toBe(counter.count(text));
    expect(counter.count(text)).toBe(reference.encode(text, [], []).length);
  });

  it('counts a huge single "word" in slices, never fewer tokens than the real encoder', () => {
    const blob = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256)).toString('base64');
    const n = counter.count(blob);
    expect(n).toBeGreaterThanOrEqual(reference.encode(blob, [], []).length);
    expect(n).toBeLessThan(blob.length);
  });
});
