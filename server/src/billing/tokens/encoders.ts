import { BpeCounter, type RankData } from './bpe-counter';

export type EncodingName = 'o200k_base' | 'cl100k_base';

/**
 * How a model's tokens are counted. OpenAI's encodings are public and exact for OpenAI models.
 * Other vendors' tokenizers are not in js-tiktoken: their text is counted with cl100k_base and
 * scaled by a margin, because reservations must not fall short (Claude's tokenizers produce
 * noticeably more tokens than cl100k for the same text). Upstream usage, when reported, always
 * replaces these estimates for billing.
 */
export interface TokenFamily {
  encoding: EncodingName;
  /** Multiplier in percent applied to the count (100 = exact). */
  marginPct: number;
}

const FAMILIES: Array<[RegExp, TokenFamily]> = [
  [/(^|[./])(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|gpt-image|gpt-oss|codex)/, { encoding: 'o200k_base', marginPct: 100 }],
  [/(^|[./])(gpt-4|gpt-3\.5|text-embedding)/, { encoding: 'cl100k_base', marginPct: 100 }],
  [/claude/, { encoding: 'cl100k_base', marginPct: 135 }],
  [/gemini|gemma|imagen/, { encoding: 'cl100k_base', marginPct: 115 }],
];
const OTHER: TokenFamily = { encoding: 'cl100k_base', marginPct: 125 };

export function familyOf(upstreamModel: string): TokenFamily {
  const name = upstreamModel.toLowerCase();
  for (const [re, family] of FAMILIES) if (re.test(name)) return family;
  return OTHER;
}

const loaders: Record<EncodingName, () => Promise<RankData>> = {
  o200k_base: async () => (await import('js-tiktoken/ranks/o200k_base')).default,
  cl100k_base: async () => (await import('js-tiktoken/ranks/cl100k_base')).default,
};
const counters = new Map<EncodingName, Promise<BpeCounter>>();

/** The counter for an encoding, built once per process (loading the ranks takes a moment). */
export function counterFor(encoding: EncodingName): Promise<BpeCounter> {
  let c = counters.get(encoding);
  if (!c) {
    c = loaders[encoding]().then((data) => new BpeCounter(data));
    counters.set(encoding, c);
  }
  return c;
}

/**
 * Loads the encodings these models count with, ahead of the first request that needs them. Each
 * encoding costs tens of MB of memory, so only those in use are loaded; others load on first use.
 */
export async function warmEncoders(upstreamModels: string[]): Promise<void> {
  const needed = new Set(upstreamModels.map((m) => familyOf(m).encoding));
  await Promise.all([...needed].map((e) => counterFor(e)));
}

/** Counts raw tokens; `total` applies the family's margin once to a request's sum. */
export interface ModelTokenizer {
  count(text: string): number;
  total(rawTokens: number): number;
}

export async function tokenizerFor(upstreamModel: string): Promise<ModelTokenizer> {
  const family = familyOf(upstreamModel);
  const counter = await counterFor(family.encoding);
  return {
    count: (text) => counter.count(text),
    total: (raw) => (family.marginPct === 100 ? raw : Math.ceil((raw * family.marginPct) / 100)),
  };
}
