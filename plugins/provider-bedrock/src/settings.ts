import { BEDROCK_IMAGE_MAX_BYTES } from './manifest';

export type ImageUrlPolicy = 'public' | 'any' | 'off';

export interface BedrockSettings {
  region: string;
  endpoint?: string;
  timeoutMs: number;
  models: string[];
  imageUrls: ImageUrlPolicy;
  imageUrlMaxBytes: number;
  imageUrlTimeoutMs: number;
}

/**
 * Reads one configured instance's settings. The host has already validated them against the
 * manifest's schema; this fills defaults for direct callers (tests, scripts) and refuses
 * values the schema would refuse, so a typo never turns into a silent default.
 */
export function parseSettings(raw: Record<string, unknown>): BedrockSettings {
  const region = raw.region ?? 'us-east-1';
  if (typeof region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new Error(`bedrock: settings.region '${String(region)}' is not an AWS region`);
  const endpoint = raw.endpoint;
  if (endpoint !== undefined && (typeof endpoint !== 'string' || !/^https?:\/\//.test(endpoint))) throw new Error('bedrock: settings.endpoint must be an http(s) URL');
  const models = raw.models ?? [];
  if (!Array.isArray(models) || models.some((m) => typeof m !== 'string' || m === '')) throw new Error('bedrock: settings.models must be a list of model ids');
  const imageUrls = raw.imageUrls ?? 'public';
  if (imageUrls !== 'public' && imageUrls !== 'any' && imageUrls !== 'off') throw new Error("bedrock: settings.imageUrls must be 'public', 'any' or 'off'");
  return {
    region,
    endpoint: endpoint as string | undefined,
    timeoutMs: integer(raw.timeoutMs, 120_000, 'timeoutMs'),
    models: models as string[],
    imageUrls,
    imageUrlMaxBytes: Math.min(integer(raw.imageUrlMaxBytes, BEDROCK_IMAGE_MAX_BYTES, 'imageUrlMaxBytes'), BEDROCK_IMAGE_MAX_BYTES),
    imageUrlTimeoutMs: integer(raw.imageUrlTimeoutMs, 10_000, 'imageUrlTimeoutMs'),
  };
}

function integer(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new Error(`bedrock: settings.${name} must be a positive integer`);
  return value;
}
