import { redactSecrets } from '@switchyard/core';

export const REDACTED = '[redacted]';

// Field names whose string or object values are secrets whatever they look like.
const SECRET_FIELD = /(secret|password|passwd|passphrase|token|api[-_]?key|authorization|cookie|private[-_]?key|access[-_]?key|session[-_]?id|client[-_]?secret)/i;

/**
 * A deep copy safe to store or show: values under secret-looking field names are replaced
 * (booleans and numbers stay: `secretChanged: true` says something useful and reveals nothing),
 * and every other string goes through redactSecrets for credentials that turn up elsewhere.
 */
export function redactDetails<T>(value: T): T {
  return walk(value, undefined, 0) as T;
}

function walk(value: unknown, key: string | undefined, depth: number): unknown {
  const secretKey = key !== undefined && SECRET_FIELD.test(key);
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return secretKey ? REDACTED : redactSecrets(value);
  if (typeof value !== 'object') return value;
  if (secretKey) return REDACTED;
  if (depth > 20) return REDACTED; // absurdly deep: refuse rather than recurse forever
  if (Array.isArray(value)) return value.map((v) => walk(v, undefined, depth + 1));
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = walk(v, k, depth + 1);
  return out;
}
