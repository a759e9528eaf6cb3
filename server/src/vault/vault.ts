import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring';

const PREFIX = 'sy1';
const IV_BYTES = 12;

export class VaultError extends Error {
  override name = 'VaultError';
}

/**
 * AES-256-GCM encryption of secrets at rest. An envelope is `sy1:<keyVersion>:<iv>:<tag>:<ciphertext>`
 * (base64url parts). The key version makes rotation possible; the GCM tag detects tampering; the
 * `context` (e.g. `credential:<id>`) is bound as additional data so a ciphertext copied to another
 * row does not decrypt.
 */
export class Vault {
  constructor(private readonly ring: Keyring) {}

  get currentVersion(): number {
    return this.ring.current;
  }

  encrypt(plaintext: string, context: string): string {
    const key = this.ring.keys.get(this.ring.current)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [PREFIX, this.ring.current, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join(':');
  }

  decrypt(envelope: string, context: string): string {
    const parts = envelope.split(':');
    if (parts.length !== 5 || parts[0] !== PREFIX) throw new VaultError('not a vault envelope');
    const version = Number(parts[1]);
    const key = this.ring.keys.get(version);
    if (!key) throw new VaultError(`no master key with version ${version} is loaded`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[2], 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(parts[3], 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(parts[4], 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new VaultError(`secret does not decrypt with key version ${version}: wrong master key, or the data was tampered with`);
    }
  }

  static versionOf(envelope: string): number {
    return Number(envelope.split(':')[1]);
  }

  /** JSON helpers: a credential is an object of string fields. */
  encryptJson(value: Record<string, string>, context: string): string {
    return this.encrypt(JSON.stringify(value), context);
  }

  decryptJson(envelope: string, context: string): Record<string, string> {
    return JSON.parse(this.decrypt(envelope, context)) as Record<string, string>;
  }
}
