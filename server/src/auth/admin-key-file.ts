import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const ADMIN_KEY_FILE = 'admin.key';

/**
 * The admin key: SWITCHYARD_ADMIN_KEY, else the one in <dataDir>/admin.key, generated (0600)
 * on first run. `created` tells the caller to show it once.
 */
export function resolveAdminKey(envKey: string | undefined, dataDir: string): { key: string; file?: string; created: boolean } {
  if (envKey) return { key: envKey, created: false };
  const file = path.join(dataDir, ADMIN_KEY_FILE);
  if (existsSync(file)) return { key: readFileSync(file, 'utf8').trim(), file, created: false };
  const key = `sy-admin-${randomBytes(24).toString('base64url')}`;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, key + '\n', { mode: 0o600 });
  return { key, file, created: true };
}
