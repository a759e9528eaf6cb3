import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '@switchyard/spec';

/** The master keys, by version; `current` encrypts, every listed version can decrypt. */
export interface Keyring {
  current: number;
  keys: Map<number, Buffer>;
}

export const KEY_FILE_NAME = 'master.key';

/** Accepts 32 bytes as base64 (44 chars) or hex (64 chars). */
export function parseMasterKey(text: string): Buffer {
  const trimmed = text.trim();
  const buf = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (buf.length !== 32) {
    throw new Error('SWITCHYARD_MASTER_KEY must be 32 bytes, given as 64 hex characters or base64 (openssl rand -base64 32)');
  }
  return buf;
}

interface KeyFile {
  current: number;
  keys: Record<string, string>;
}

function readKeyFile(file: string): Keyring {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  const keys = new Map<number, Buffer>();
  for (const [version, key] of Object.entries(parsed.keys)) keys.set(Number(version), parseMasterKey(key));
  if (!keys.has(parsed.current)) throw new Error(`${file}: current key version ${parsed.current} is not in the file`);
  return { current: parsed.current, keys };
}

export function writeKeyFile(file: string, ring: Keyring): void {
  const body: KeyFile = { current: ring.current, keys: {} };
  for (const [v, k] of ring.keys) body.keys[String(v)] = k.toString('base64');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(body, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
}

/**
 * The master key comes from SWITCHYARD_MASTER_KEY (one key, version 1, or a keyring
 * `2:<key>,1:<key>` whose first entry is current), else from <dataDir>/master.key,
 * which is generated with mode 0600 on first run.
 */
export function loadKeyring(options: { masterKey?: string; dataDir: string; logger?: Logger }): Keyring {
  if (options.masterKey) return parseKeyringEnv(options.masterKey);
  const file = path.join(options.dataDir, KEY_FILE_NAME);
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) options.logger?.warn({ file, mode: mode.toString(8) }, 'master key file is readable by other users; chmod 600 it');
    return readKeyFile(file);
  }
  const ring: Keyring = { current: 1, keys: new Map([[1, randomBytes(32)]]) };
  writeKeyFile(file, ring);
  options.logger?.warn(
    { file },
    'generated a new master key file; back it up, or set SWITCHYARD_MASTER_KEY: without it, stored credentials cannot be decrypted',
  );
  return ring;
}

function parseKeyringEnv(value: string): Keyring {
  if (!value.includes(':')) return { current: 1, keys: new Map([[1, parseMasterKey(value)]]) };
  const keys = new Map<number, Buffer>();
  let current = 0;
  for (const entry of value.split(',')) {
    const idx = entry.indexOf(':');
    const version = Number(entry.slice(0, idx));
    if (!Number.isInteger(version) || version < 1) throw new Error('SWITCHYARD_MASTER_KEY keyring entries look like <version>:<key>');
    keys.set(version, parseMasterKey(entry.slice(idx + 1)));
    if (current === 0) current = version;
  }
  return { current, keys };
}
