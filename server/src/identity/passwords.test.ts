import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, passwordProblem, verifyPassword } from './passwords';

const fast = { log2N: 10, r: 8, p: 1 };

describe('passwords (scrypt)', () => {
  it('verifies the right password and rejects others', async () => {
    const hash = await hashPassword('correct horse battery', fast);
    expect(hash).toMatch(/^scrypt\$10\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(hash).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts each hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same password!', fast), hashPassword('same password!', fast)]);
    expect(a).not.toBe(b);
  });

  it('treats composed and decomposed unicode alike', async () => {
    const hash = await hashPassword('caf\u00e9-password', fast);
    expect(await verifyPassword('cafe\u0301-password', hash)).toBe(true);
  });

  it('rejects malformed hashes instead of throwing', async () => {
    for (const bad of ['', 'scrypt$x$8$1$aa$bb', 'bcrypt$10$8$1$aa$bb', 'scrypt$10$8$1$aa$short', 'scrypt$40$8$1$aa$bb']) {
      expect(await verifyPassword('anything at all', bad)).toBe(false);
    }
  });

  it('uses the parameters stored with the hash and says when they are weaker than today', async () => {
    const hash = await hashPassword('upgrade me please', fast);
    expect(await verifyPassword('upgrade me please', hash)).toBe(true);
    expect(needsRehash(hash, { log2N: 11, r: 8, p: 1 })).toBe(true);
    expect(needsRehash(hash, fast)).toBe(false);
  });

  it('has a minimum length', () => {
    expect(passwordProblem('short')).toMatch(/at least/);
    expect(passwordProblem('          ')).toMatch(/blank/);
    expect(passwordProblem('long enough password')).toBeUndefined();
  });
});
