/**
 * What differs between OpenAI-compatible vendors, kept as data. Everything not listed here is the
 * same OpenAI wire format, handled by provider-openai's translation.
 */
export interface Preset {
  /** The vendor's usual base URL, used when settings leave baseUrl out. */
  baseUrl?: string;
  /** Whether a call without an API key is a configuration error. */
  requiresKey: boolean;
  /** The server knows `max_tokens` only: `max_completion_tokens` is renamed. */
  legacyMaxTokens?: boolean;
  /** The server rejects `reasoning_content` on assistant messages sent back to it (DeepSeek returns 400). */
  rejectsReasoningInput?: boolean;
  /** Azure OpenAI: deployment URLs, `api-key` header, `api-version` query. */
  azure?: boolean;
}

export const PRESETS = {
  ollama: { baseUrl: 'http://localhost:11434/v1', requiresKey: false, legacyMaxTokens: true },
  vllm: { baseUrl: 'http://localhost:8000/v1', requiresKey: false },
  deepseek: { baseUrl: 'https://api.deepseek.com/v1', requiresKey: true, legacyMaxTokens: true, rejectsReasoningInput: true },
  groq: { baseUrl: 'https://api.groq.com/openai/v1', requiresKey: true },
  openrouter: { baseUrl: 'https://openrouter.ai/api/v1', requiresKey: true },
  azure: { requiresKey: true, azure: true },
} satisfies Record<string, Preset>;

export type PresetName = keyof typeof PRESETS;

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/** A server with no preset: key optional, no quirks. */
export const GENERIC_PRESET: Preset = { requiresKey: false };

export function presetOf(name: unknown): Preset {
  if (name === undefined || name === null || name === '') return GENERIC_PRESET;
  if (typeof name === 'string' && name in PRESETS) return PRESETS[name as PresetName];
  throw new Error(`unknown preset '${String(name)}' (known: ${PRESET_NAMES.join(', ')})`);
}
