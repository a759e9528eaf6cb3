import { describe, expect, it } from 'vitest';
import { REDACTED, redactDetails } from './redact';

describe('redactDetails', () => {
  it('replaces values under secret-looking names at any depth', () => {
    const out = redactDetails({
      settings: { baseUrl: 'https://x', headers: { Authorization: 'abc', 'x-api-key': 'k' }, apiKey: 'plain', nested: [{ client_secret: 's' }] },
      password: 'hunter2hunter2',
      secret: { apiKey: 'x' },
    });
    expect(out).toEqual({
      settings: { baseUrl: 'https://x', headers: { Authorization: REDACTED, 'x-api-key': REDACTED }, apiKey: REDACTED, nested: [{ client_secret: REDACTED }] },
      password: REDACTED,
      secret: REDACTED,
    });
  });

  it('keeps flags and counts under secret-looking names', () => {
    expect(redactDetails({ secretChanged: true, tokens: 12, passwordSet: false })).toEqual({ secretChanged: true, tokens: 12, passwordSet: false });
  });

  it('masks credentials that appear inside ordinary strings', () => {
    const out = redactDetails({ message: 'upstream said: bad key sk-abcdefghijklmnop and sy-ZYXWVUTSRQPONM' });
    expect(out.message).not.toContain('abcdefghijklmnop');
    expect(out.message).not.toContain('ZYXWVUTSRQPONM');
  });

  it('does not change its input', () => {
    const input = { password: 'pw-value-here' };
    redactDetails(input);
    expect(input.password).toBe('pw-value-here');
  });
});
