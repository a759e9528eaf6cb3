import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKeyring, parseMasterKey } from './keyring';
import { Vault, VaultError } from './vault';

const key = Buffer.alloc(32, 7).toString('base64');

describe('vault', () => {
  const vault = new Vault(loadKeyring({ masterKey: key, dataDir: '/nonexistent' }));

  it('round-trips a secret and records the key version', () => {
    const env = vault.encrypt('sk-secret-value', 'credential:a');
    expect(env.startsWith('sy1:1:')).toBe(true);
    expect(env).not.toContain('sk-secret');
    expect(vault.decrypt(env, 'credential:a')).toBe('sk-secret-value');
    expect(Vault.versionOf(env)).toBe(1);
  });

  it('uses a fresh IV each time', () => {
    expect(vault.encrypt('x', 'c')).not.toBe(vault.encrypt('x', 'c'));
  });

  it('detects a tampered ciphertext', () => {
    const env = vault.encrypt('sk-secret-value', 'credential:a');
    const parts = env.split(':');
    const ct = Buffer.from(parts[4], 'base64url');
    ct[0] ^= 1;
    parts[4] = ct.toString('base64url');
    expect(() => vault.decrypt(parts.join(':'), 'credential:a')).toThrow(VaultError);
  });

  it('refuses a ciphertext moved to another row', () => {
    const env = vault.encrypt('sk-secret-value', 'credential:a');
    expect(() => vault.decrypt(env, 'credential:b')).toThrow(/tampered/);
  });

  it('refuses to decrypt with the wrong master key', () => {
    const other = new Vault(loadKeyring({ masterKey: Buffer.alloc(32, 9).toString('hex'), dataDir: '/nonexistent' }));
    expect(() => other.decrypt(vault.encrypt('s', 'c'), 'c')).toThrow(VaultError);
  });

  it('decrypts old versions from a keyring and encrypts with the current one', () => {
    const v2 = Buffer.alloc(32, 2).toString('base64');
    const ring = new Vault(loadKeyring({ masterKey: `2:${v2},1:${key}`, dataDir: '/nonexistent' }));
    const old = vault.encrypt('old', 'c');
    expect(ring.decrypt(old, 'c')).toBe('old');
    expect(Vault.versionOf(ring.encrypt('new', 'c'))).toBe(2);
  });

  it('generates a 0600 key file on first run, and reuses it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-vault-'));
    const warnings: unknown[] = [];
    const logger = { warn: (o: unknown) => warnings.push(o), info() {}, debug() {}, error() {} };
    const first = loadKeyring({ dataDir: dir, logger });
    expect(statSync(path.join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(warnings).toHaveLength(1);
    const second = loadKeyring({ dataDir: dir, logger });
    expect(second.keys.get(1)!.equals(first.keys.get(1)!)).toBe(true);
  });

  it('rejects a master key of the wrong length', () => {
    expect(() => parseMasterKey('c2hvcnQ=')).toThrow(/32 bytes/);
  });
});
