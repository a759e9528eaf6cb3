import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, unwatchFile, watchFile } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connect';
import type { AuditLog } from '../identity/audit/audit-log';
import { SYSTEM_ACTOR } from '../identity/audit/audit-log';
import { CredentialRepo } from '../repos/credentials';
import { KEY_FILE_NAME, loadKeyring, parseMasterKey, writeKeyFile, type Keyring } from './keyring';
import { Vault } from './vault';

/** A keyring with one more version, made current; every older key stays so old envelopes still decrypt. */
export function addKeyVersion(ring: Keyring, key: Buffer = randomBytes(32)): Keyring {
  const next = Math.max(...ring.keys.keys()) + 1;
  const keys = new Map(ring.keys);
  keys.set(next, key);
  return { current: next, keys };
}

/** The SWITCHYARD_MASTER_KEY value for a keyring: current first, then the others, newest first. */
export function keyringEnvValue(ring: Keyring): string {
  const versions = [ring.current, ...[...ring.keys.keys()].filter((v) => v !== ring.current).sort((a, b) => b - a)];
  return versions.map((v) => `${v}:${ring.keys.get(v)!.toString('base64')}`).join(',');
}

/** Writes the key file through a temporary file and a rename, so a reader never sees half a file. */
export function replaceKeyFile(file: string, ring: Keyring): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeKeyFile(tmp, ring);
  renameSync(tmp, file);
}

/**
 * Copies a key file's versions into a running server's keyring in place (the Vault holds that
 * object), so a server keeps decrypting while a rotation re-encrypts rows under a new version.
 * Keys are only added, never dropped: a half-finished rotation must not lock the server out.
 */
export function reloadKeyringFrom(file: string, ring: Keyring): boolean {
  if (!existsSync(file)) return false;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { current: number; keys: Record<string, string> };
  const keys = new Map<number, Buffer>();
  for (const [v, k] of Object.entries(parsed.keys)) keys.set(Number(v), parseMasterKey(k));
  if (!keys.has(parsed.current)) return false;
  let changed = false;
  for (const [v, k] of keys) {
    if (!ring.keys.has(v)) {
      ring.keys.set(v, k);
      changed = true;
    }
  }
  if (ring.current !== parsed.current && parsed.current > ring.current) {
    ring.current = parsed.current;
    changed = true;
  }
  return changed;
}

/** Polls the key file (stat-based, works on every filesystem) and reloads it when it changes. */
export function watchKeyFile(file: string, ring: Keyring, onReload?: (version: number) => void, intervalMs = 1000): () => void {
  const listener = () => {
    try {
      if (reloadKeyringFrom(file, ring)) onReload?.(ring.current);
    } catch {
      // A file being replaced can be read mid-way on some filesystems; the next poll sees it whole.
    }
  };
  watchFile(file, { interval: intervalMs, persistent: false }, listener);
  return () => unwatchFile(file, listener);
}

export interface RotationResult {
  fromVersion: number;
  toVersion: number;
  /** Rows re-encrypted under toVersion. */
  reencrypted: number;
  /** Set when the key comes from SWITCHYARD_MASTER_KEY: the value to configure (a secret: print it, never log it). */
  envValue?: string;
  keyFile?: string;
}

export interface RotationOptions {
  db: Db;
  audit: AuditLog;
  dataDir: string;
  masterKey?: string;
  /**
   * With SWITCHYARD_MASTER_KEY the new keyring must reach every server before rows move to it,
   * so the environment case runs in two steps: without this flag a new version is made and
   * printed; with it, rows are re-encrypted under the configured current version.
   */
  reencryptOnly?: boolean;
  /** How long to let running servers pick up a new key file before re-encrypting (ms). */
  settleMs?: number;
}

/**
 * Rotates the master key: a new version becomes current, then every stored secret is re-encrypted
 * under it row by row (a conditional update, so a concurrent change wins). Servers keep decrypting
 * both versions throughout. Audited as `vault.rotate`.
 */
export async function rotateMasterKey(options: RotationOptions): Promise<RotationResult> {
  const ring = loadKeyring({ masterKey: options.masterKey, dataDir: options.dataDir });
  const fromVersion = ring.current;
  let target = ring;
  let envValue: string | undefined;
  let keyFile: string | undefined;
  if (!options.reencryptOnly) {
    target = addKeyVersion(ring);
    if (options.masterKey) {
      envValue = keyringEnvValue(target);
    } else {
      keyFile = path.join(options.dataDir, KEY_FILE_NAME);
      replaceKeyFile(keyFile, target);
      if (options.settleMs) await new Promise((r) => setTimeout(r, options.settleMs));
    }
  }
  // Environment keys: the operator deploys the printed value first; rows move on the second run.
  const reencrypted = envValue ? 0 : await new CredentialRepo(options.db, new Vault(target)).reencryptAll();
  await options.audit.record({
    actor: SYSTEM_ACTOR,
    action: 'vault.rotate',
    target: { type: 'master-key', id: String(target.current) },
    details: { fromVersion, toVersion: target.current, reencrypted, source: options.masterKey ? 'env' : 'file', pendingDeploy: Boolean(envValue) },
  });
  return { fromVersion, toVersion: target.current, reencrypted, envValue, keyFile };
}
