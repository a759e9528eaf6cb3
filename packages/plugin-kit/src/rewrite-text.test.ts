import type { ChatCompletionChunk } from '@switchyard/spec';
import { describe, expect, it } from 'vitest';
import { rewriteStreamText, type TextRewriter } from './rewrite-text';

const base = { id: 'c', object: 'chat.completion.chunk' as const, created: 1, model: 'm' };
const piece = (index: number, content: string, finish: 'stop' | null = null): ChatCompletionChunk => ({ ...base, choices: [{ index, delta: { content }, finish_reason: finish }] });

async function* from(chunks: ChatCompletionChunk[]) {
  yield* chunks;
}

/** Upper-cases, holding back everything until a space (so text is released in words). */
const byWord = (): TextRewriter => {
  let held = '';
  return {
    push(text) {
      held += text;
      const cut = held.lastIndexOf(' ') + 1;
      const out = held.slice(0, cut).toUpperCase();
      held = held.slice(cut);
      return out;
    },
    flush() {
      const out = held.toUpperCase();
      held = '';
      return out;
    },
  };
};

async function collect(chunks: ChatCompletionChunk[]) {
  const out: ChatCompletionChunk[] = [];
  for await (const c of rewriteStreamText(from(chunks), byWord)) out.push(c);
  return out;
}

describe('rewriteStreamText', () => {
  it('keeps one rewriter per choice and releases held text with the finishing chunk', async () => {
    const out = await collect([piece(0, 'hel'), piece(1, 'b'), piece(0, 'lo wor'), piece(1, 'ye', 'stop'), piece(0, 'ld'), { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }]);
    const text = (i: number) => out.map((c) => c.choices.find((ch) => ch.index === i)?.delta.content ?? '').join('');
    expect(text(0)).toBe('HELLO WORLD');
    expect(text(1)).toBe('BYE');
    expect(out.at(-1)?.choices[0]).toMatchObject({ finish_reason: 'stop', delta: { content: 'WORLD' } });
  });

  it('passes the usage chunk through and adds a last chunk for text held by an unfinished stream', async () => {
    const usage = { ...base, choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } };
    const out = await collect([piece(0, 'no end'), usage]);
    expect(out[1]).toBe(usage);
    expect(out[2]).toMatchObject({ choices: [{ index: 0, delta: { content: 'END' }, finish_reason: null }] });
  });

  it('leaves chunks without content alone', async () => {
    const roleOnly: ChatCompletionChunk = { ...base, choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }] };
    const out = await collect([roleOnly]);
    expect(out[0]).toEqual(roleOnly);
  });
});
