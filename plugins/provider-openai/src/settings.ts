/** What the SDK client needs to reach an OpenAI-style upstream, read from a provider's settings. */
export interface OpenAIConnection {
  baseUrl: string;
  organization?: string;
  project?: string;
  timeoutMs: number;
  maxRetries: number;
  /** Extra headers sent on every request. */
  headers?: Record<string, string>;
}

export const DEFAULT_TIMEOUT_MS = 600_000;

/** Reads the shared connection settings, applying defaults the server may not have filled in. */
export function readConnection(settings: Record<string, unknown>, defaults: { baseUrl?: string } = {}): OpenAIConnection {
  const baseUrl = stringSetting(settings.baseUrl) ?? defaults.baseUrl;
  if (!baseUrl) throw new Error('settings.baseUrl is required');
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    organization: stringSetting(settings.organization),
    project: stringSetting(settings.project),
    timeoutMs: positiveInteger(settings.timeoutMs) ?? DEFAULT_TIMEOUT_MS,
    maxRetries: nonNegativeInteger(settings.maxRetries) ?? 0,
    headers: stringRecord(settings.headers),
  };
}

function stringSetting(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim().length > 0 ? value.trim() : undefined;
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function nonNegativeInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
