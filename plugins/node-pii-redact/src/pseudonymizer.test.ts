import { describe, expect, it } from 'vitest';
import { BUILTIN_DETECTORS, detectorsFor } from './detectors';
import { Pseudonymizer } from './pseudonymizer';

const fresh = () => new Pseudonymizer(detectorsFor([...BUILTIN_DETECTORS], []));

describe('Pseudonymizer', () => {
  it('gives one value one placeholder, and restores them all', () => {
    const p = fresh();
    const redacted = p.redact('ada@example.com wrote to bob@example.com, then ada@example.com again');
    expect(redacted).toBe('[EMAIL_1] wrote to [EMAIL_2], then [EMAIL_1] again');
    expect(p.summary()).toEqual({ EMAIL: 2 });
    expect(p.restore('Reply to [EMAIL_2] and cc [EMAIL_1]; [EMAIL_9] is unknown')).toBe('Reply to bob@example.com and cc ada@example.com; [EMAIL_9] is unknown');
  });

  it('escapes restored values inside JSON strings', () => {
    const p = new Pseudonymizer(detectorsFor([], [{ label: 'QUOTE', pattern: '"[a-z]+"' }]));
    p.redact('say "hello"');
    const args = JSON.stringify({ text: '[QUOTE_1]' });
    expect(JSON.parse(p.restoreInJson(args))).toEqual({ text: '"hello"' });
  });

  it('restores placeholders split across stream pieces, holding back only what could be one', () => {
    const p = fresh();
    p.redact('ada@example.com and +44 20 7946 0958');
    const r = p.streamRestorer();
    const pieces = ['Mail [EM', 'AIL_', '1] or ring [PHO', 'NE_1', ']. Arrays like [1, 2] pass', ' and [brackets] too'];
    const out = pieces.map((x) => r.push(x));
    expect(out[0]).toBe('Mail ');
    expect(out[1]).toBe('');
    expect(out.join('') + r.flush()).toBe('Mail ada@example.com or ring +44 20 7946 0958. Arrays like [1, 2] pass and [brackets] too');
  });

  it('releases a dangling bracket at the end', () => {
    const r = fresh().streamRestorer();
    expect(r.push('a list [')).toBe('a list ');
    expect(r.flush()).toBe('[');
  });
});
