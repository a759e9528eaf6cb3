import type { JsonSchema } from '@switchyard/plugin-kit';

export interface FailureRule {
  status: number;
  message?: string;
  /** Fail every Nth request (1 = always). */
  every?: number;
  retryAfterSeconds?: number;
}

export interface MockSettings {
  mode: 'echo' | 'canned';
  cannedText: string;
  latencyMs: number;
  chunkDelayMs: number;
  failures: FailureRule[];
}

export const settingsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    mode: { enum: ['echo', 'canned'], default: 'echo', title: 'Reply mode', 'x-ui': { help: 'echo repeats the last user message; canned always answers the text below' } },
    cannedText: { type: 'string', default: 'This is a reply from the Switchyard mock provider.', title: 'Canned text', 'x-ui': { widget: 'textarea' } },
    latencyMs: { type: 'integer', minimum: 0, maximum: 60000, default: 0, title: 'Latency before the first token (ms)' },
    chunkDelayMs: { type: 'integer', minimum: 0, maximum: 10000, default: 0, title: 'Delay between streamed words (ms)' },
    failures: {
      type: 'array',
      default: [],
      title: 'Injected failures',
      items: {
        type: 'object',
        required: ['status'],
        properties: {
          status: { type: 'integer', minimum: 400, maximum: 599 },
          message: { type: 'string' },
          every: { type: 'integer', minimum: 1, default: 1 },
          retryAfterSeconds: { type: 'integer', minimum: 0 },
        },
      },
    },
  },
};

export function readSettings(raw: Record<string, unknown>): MockSettings {
  return {
    mode: raw.mode === 'canned' ? 'canned' : 'echo',
    cannedText: typeof raw.cannedText === 'string' ? raw.cannedText : 'This is a reply from the Switchyard mock provider.',
    latencyMs: Number(raw.latencyMs ?? 0),
    chunkDelayMs: Number(raw.chunkDelayMs ?? 0),
    failures: Array.isArray(raw.failures) ? (raw.failures as FailureRule[]) : [],
  };
}
