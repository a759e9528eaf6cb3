/**
 * A deterministic JSON text: object keys sorted, no whitespace, undefined dropped, non-finite
 * numbers as null. Two equal values always give the same text, which is what a hash chain needs.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, new Set());
}

function serialize(value: unknown, seen: Set<object>): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'object':
      break;
    default:
      return 'null'; // functions, symbols
  }
  const obj = value as object;
  if (seen.has(obj)) throw new TypeError('canonicalJson: circular structure');
  seen.add(obj);
  try {
    if (obj instanceof Date) return JSON.stringify(obj.toISOString());
    if (Array.isArray(obj)) return `[${obj.map((v) => serialize(v, seen)).join(',')}]`;
    const entries = Object.entries(obj)
      .filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${serialize(v, seen)}`).join(',')}}`;
  } finally {
    seen.delete(obj);
  }
}
