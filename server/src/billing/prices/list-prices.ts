/**
 * Public list prices of common models, as data. They seed the price table (scope `plugin`, so
 * they fit every provider that runs that plugin); operators edit them through /api/billing/prices,
 * and an edited price is never overwritten by a newer seed.
 *
 * Amounts are US dollars as exact decimal strings: per million tokens, or per image. They are
 * converted to integer micro-USD when seeded.
 *
 * Taken on LIST_PRICES_DATE from the vendors' published standard (on-demand, non-batch) prices,
 * as collected in the public LiteLLM price list (model_prices_and_context_window.json) and checked
 * against the vendors' pricing pages where they are well known. Bedrock: us-east-1 on-demand,
 * in-region model ids (cross-region `us.`/`eu.` profiles of the newest Claude models carry a
 * regional premium: add an explicit price for them if you use them).
 * Prices change: check before you rely on them.
 */
export const LIST_PRICES_DATE = '2026-11-28';

export interface ListPrice {
  /** The provider plugin id: openai, anthropic, gemini, bedrock, mock. */
  plugin: string;
  /** The upstream model id. Dated snapshots (`gpt-4o-2024-08-06`) match their base id. */
  model: string;
  input?: string;
  output?: string;
  cachedInput?: string;
  cacheWrite?: string;
  embedding?: string;
  /** Per image, keyed `size/quality` with `*` wildcards. */
  perImage?: Record<string, string>;
  /** Rates that replace the ones above when the prompt exceeds `promptTokens`. */
  longContext?: { promptTokens: number; input?: string; output?: string; cachedInput?: string; cacheWrite?: string };
  /** The model's own output limit: what a request that sets no max_tokens reserves. */
  maxOutput?: number;
}

const CLAUDE_SONNET_LONG = { promptTokens: 200_000, input: '6', output: '22.5', cachedInput: '0.6', cacheWrite: '7.5' };
const GEMINI_PRO_LONG = { promptTokens: 200_000, input: '2.5', output: '15', cachedInput: '0.25' };

const DALL_E_3 = { '1024x1024/standard': '0.04', '1024x1792/standard': '0.08', '1792x1024/standard': '0.08', '1024x1024/hd': '0.08', '1024x1792/hd': '0.12', '1792x1024/hd': '0.12' };
const DALL_E_2 = { '256x256/*': '0.016', '512x512/*': '0.018', '1024x1024/*': '0.02' };
const GPT_IMAGE_1 = {
  '1024x1024/low': '0.011',
  '1024x1536/low': '0.016',
  '1536x1024/low': '0.016',
  '1024x1024/medium': '0.042',
  '1024x1536/medium': '0.063',
  '1536x1024/medium': '0.063',
  '1024x1024/high': '0.167',
  '1024x1536/high': '0.25',
  '1536x1024/high': '0.25',
};

/** Claude's card, for Anthropic's API and for Bedrock, which lists the same prices. */
const claude =
  (plugin: 'anthropic' | 'bedrock') =>
  (model: string, input: string, output: string, cachedInput: string, cacheWrite: string, maxOutput: number, longContext?: ListPrice['longContext']): ListPrice => ({
    plugin,
    model,
    input,
    output,
    cachedInput,
    cacheWrite,
    maxOutput,
    ...(longContext ? { longContext } : {}),
  });
const anthropic = claude('anthropic');
const bedrockClaude = claude('bedrock');

export const LIST_PRICES: ListPrice[] = [
  // OpenAI
  { plugin: 'openai', model: 'gpt-5.5', input: '5', cachedInput: '0.5', output: '30', maxOutput: 128_000 },
  { plugin: 'openai', model: 'gpt-5.4', input: '2.5', cachedInput: '0.25', output: '15', maxOutput: 128_000 },
  { plugin: 'openai', model: 'gpt-5.4-mini', input: '0.75', cachedInput: '0.075', output: '4.5', maxOutput: 128_000 },
  { plugin: 'openai', model: 'gpt-5.4-nano', input: '0.2', cachedInput: '0.02', output: '1.25', maxOutput: 128_000 },
  { plugin: 'openai', model: 'gpt-5.2', input: '1.75', cachedInput: '0.175', output: '14', maxOutput: 128_000 },
  { plugin: 'openai', model: 'gpt-5.1', input: '1.25', cachedInput: '0.125', output: '10', maxOutput: 128_000 },
  { plugin: 'openai', model: 'gpt-5', input: '1.25', cachedInput: '0.125', output: '10', maxOutput: 128_000 },
  { plugin: 'openai', model: 'gpt-5-mini', input: '0.25', cachedInput: '0.025', output: '2', maxOutput: 128_000 },
  { plugin: 'openai', model: 'gpt-5-nano', input: '0.05', cachedInput: '0.005', output: '0.4', maxOutput: 128_000 },
  { plugin: 'openai', model: 'gpt-4.1', input: '2', cachedInput: '0.5', output: '8', maxOutput: 32_768 },
  { plugin: 'openai', model: 'gpt-4.1-mini', input: '0.4', cachedInput: '0.1', output: '1.6', maxOutput: 32_768 },
  { plugin: 'openai', model: 'gpt-4.1-nano', input: '0.1', cachedInput: '0.025', output: '0.4', maxOutput: 32_768 },
  { plugin: 'openai', model: 'gpt-4o', input: '2.5', cachedInput: '1.25', output: '10', maxOutput: 16_384 },
  { plugin: 'openai', model: 'gpt-4o-mini', input: '0.15', cachedInput: '0.075', output: '0.6', maxOutput: 16_384 },
  { plugin: 'openai', model: 'o3', input: '2', cachedInput: '0.5', output: '8', maxOutput: 100_000 },
  { plugin: 'openai', model: 'o4-mini', input: '1.1', cachedInput: '0.275', output: '4.4', maxOutput: 100_000 },
  { plugin: 'openai', model: 'o3-mini', input: '1.1', cachedInput: '0.55', output: '4.4', maxOutput: 100_000 },
  { plugin: 'openai', model: 'o1', input: '15', cachedInput: '7.5', output: '60', maxOutput: 100_000 },
  { plugin: 'openai', model: 'text-embedding-3-small', embedding: '0.02' },
  { plugin: 'openai', model: 'text-embedding-3-large', embedding: '0.13' },
  { plugin: 'openai', model: 'text-embedding-ada-002', embedding: '0.1' },
  { plugin: 'openai', model: 'dall-e-3', perImage: DALL_E_3 },
  { plugin: 'openai', model: 'dall-e-2', perImage: DALL_E_2 },
  { plugin: 'openai', model: 'gpt-image-1', input: '5', cachedInput: '1.25', perImage: GPT_IMAGE_1 },

  // Anthropic (cache writes: the 5-minute rate, 1.25x input; cache reads 0.1x input)
  anthropic('claude-opus-4-7', '5', '25', '0.5', '6.25', 128_000),
  anthropic('claude-opus-4-6', '5', '25', '0.5', '6.25', 128_000),
  anthropic('claude-opus-4-5', '5', '25', '0.5', '6.25', 64_000),
  anthropic('claude-opus-4-1', '15', '75', '1.5', '18.75', 32_000),
  anthropic('claude-opus-4', '15', '75', '1.5', '18.75', 32_000),
  anthropic('claude-sonnet-4-6', '3', '15', '0.3', '3.75', 64_000),
  anthropic('claude-sonnet-4-5', '3', '15', '0.3', '3.75', 64_000, CLAUDE_SONNET_LONG),
  anthropic('claude-sonnet-4', '3', '15', '0.3', '3.75', 64_000, CLAUDE_SONNET_LONG),
  anthropic('claude-3-7-sonnet', '3', '15', '0.3', '3.75', 64_000),
  anthropic('claude-haiku-4-5', '1', '5', '0.1', '1.25', 64_000),
  anthropic('claude-3-5-haiku', '0.8', '4', '0.08', '1', 8_192),
  anthropic('claude-3-haiku', '0.25', '1.25', '0.03', '0.3', 4_096),

  // Google Gemini API (paid tier; text/image/video input)
  { plugin: 'gemini', model: 'gemini-3.1-pro-preview', input: '2', cachedInput: '0.2', output: '12', maxOutput: 65_536, longContext: { promptTokens: 200_000, input: '4', output: '18', cachedInput: '0.4' } },
  { plugin: 'gemini', model: 'gemini-3-flash', input: '0.5', cachedInput: '0.05', output: '3', maxOutput: 65_535 },
  { plugin: 'gemini', model: 'gemini-2.5-pro', input: '1.25', cachedInput: '0.125', output: '10', maxOutput: 65_535, longContext: GEMINI_PRO_LONG },
  { plugin: 'gemini', model: 'gemini-2.5-flash', input: '0.3', cachedInput: '0.03', output: '2.5', maxOutput: 65_535 },
  { plugin: 'gemini', model: 'gemini-2.5-flash-lite', input: '0.1', cachedInput: '0.01', output: '0.4', maxOutput: 65_535 },
  { plugin: 'gemini', model: 'gemini-2.0-flash', input: '0.1', cachedInput: '0.025', output: '0.4', maxOutput: 8_192 },
  { plugin: 'gemini', model: 'gemini-2.0-flash-lite', input: '0.075', output: '0.3', maxOutput: 8_192 },
  { plugin: 'gemini', model: 'gemini-embedding-001', embedding: '0.15' },
  { plugin: 'gemini', model: 'gemini-2.5-flash-image', input: '0.3', perImage: { '*': '0.039' } },
  { plugin: 'gemini', model: 'imagen-4.0-generate-001', perImage: { '*': '0.04' } },
  { plugin: 'gemini', model: 'imagen-4.0-ultra-generate-001', perImage: { '*': '0.06' } },
  { plugin: 'gemini', model: 'imagen-4.0-fast-generate-001', perImage: { '*': '0.02' } },

  // Amazon Bedrock (us-east-1, on-demand)
  bedrockClaude('anthropic.claude-opus-4-1-20250805-v1:0', '15', '75', '1.5', '18.75', 32_000),
  bedrockClaude('anthropic.claude-opus-4-20250514-v1:0', '15', '75', '1.5', '18.75', 32_000),
  bedrockClaude('anthropic.claude-sonnet-4-5-20250929-v1:0', '3', '15', '0.3', '3.75', 64_000, CLAUDE_SONNET_LONG),
  bedrockClaude('anthropic.claude-sonnet-4-20250514-v1:0', '3', '15', '0.3', '3.75', 64_000, CLAUDE_SONNET_LONG),
  bedrockClaude('anthropic.claude-3-7-sonnet-20250219-v1:0', '3', '15', '0.3', '3.75', 64_000),
  bedrockClaude('anthropic.claude-haiku-4-5-20251001-v1:0', '1', '5', '0.1', '1.25', 64_000),
  bedrockClaude('anthropic.claude-3-5-haiku-20241022-v1:0', '0.8', '4', '0.08', '1', 8_192),
  bedrockClaude('anthropic.claude-3-haiku-20240307-v1:0', '0.25', '1.25', '0.03', '0.3', 4_096),
  { plugin: 'bedrock', model: 'amazon.nova-premier-v1:0', input: '2.5', output: '12.5', maxOutput: 10_000 },
  { plugin: 'bedrock', model: 'amazon.nova-pro-v1:0', input: '0.8', cachedInput: '0.2', output: '3.2', maxOutput: 10_000 },
  { plugin: 'bedrock', model: 'amazon.nova-lite-v1:0', input: '0.06', cachedInput: '0.015', output: '0.24', maxOutput: 10_000 },
  { plugin: 'bedrock', model: 'amazon.nova-micro-v1:0', input: '0.035', cachedInput: '0.00875', output: '0.14', maxOutput: 10_000 },
  { plugin: 'bedrock', model: 'meta.llama3-3-70b-instruct-v1:0', input: '0.72', output: '0.72', maxOutput: 8_192 },
  { plugin: 'bedrock', model: 'amazon.titan-embed-text-v2:0', embedding: '0.02' },
  { plugin: 'bedrock', model: 'cohere.embed-english-v3', embedding: '0.1' },
  { plugin: 'bedrock', model: 'cohere.embed-multilingual-v3', embedding: '0.1' },
  { plugin: 'bedrock', model: 'amazon.nova-canvas-v1:0', perImage: { '2048x2048/standard': '0.06', '2048x2048/premium': '0.08', '*/standard': '0.04', '*/premium': '0.06' } },
  { plugin: 'bedrock', model: 'amazon.titan-image-generator-v2:0', perImage: { '512x512/standard': '0.008', '512x512/premium': '0.01', '*/standard': '0.01', '*/premium': '0.012' } },

  // The mock provider: made-up prices, so a fresh install shows billing working with no keys.
  { plugin: 'mock', model: 'mock-chat', input: '1', output: '2', maxOutput: 4_096 },
  { plugin: 'mock', model: 'mock-embed', embedding: '0.1' },
  { plugin: 'mock', model: 'mock-image', perImage: { '*': '0.01' } },
];
