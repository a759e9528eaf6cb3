import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PipelineGraph } from '@switchyard/spec';
import type { ConfigFile } from '../../server/src/config/config-file';
import { readEnv, type ServerEnv } from '../../server/src/config/env';

/**
 * What the bench's gateways have in common: the environment an operator would set (fresh data
 * directory, fixed master key, warn-level logs, no seeded mock provider), the openai provider in
 * front of the emulator, and the pipeline graphs the scenarios route through.
 */
export function benchEnv(dataDirPrefix: string, adminKey = process.env.BENCH_KEY ?? 'sy-bench-key'): { env: ServerEnv; dataDir: string } {
  const dataDir = mkdtempSync(path.join(tmpdir(), dataDirPrefix));
  const env = readEnv({
    PORT: '0',
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_ADMIN_KEY: adminKey,
    SWITCHYARD_MASTER_KEY: Buffer.alloc(32, 3).toString('base64'),
    SWITCHYARD_LOG_LEVEL: 'warn',
    SWITCHYARD_SEED_MOCK: 'false',
  });
  return { env, dataDir };
}

/** The emulator as the `openai` provider, with the key the emulator (and the bare proxy) receive. */
export const openaiProvider = (upstreamUrl: string): ConfigFile['providers'][number] => ({
  id: 'openai',
  plugin: 'openai',
  settings: { baseUrl: upstreamUrl },
  credentials: [{ name: 'bench', secret: { apiKey: 'sk-bench-upstream' } }],
});

const target = (id: string, provider: string, model: string) => ({ id, type: 'target', typeVersion: 1, params: { provider, model } });

/**
 * The pipeline scenario's graph: conditional (model starts with `match`) -> fallback (3 targets)
 * -> target, with a fourth target on the conditional's default branch. Every target is
 * `provider`/`model`.
 */
export function routedGraph(provider: string, model: string, match: string): PipelineGraph {
  return {
    schemaVersion: 1,
    nodes: [
      { id: 'route', type: 'conditional', typeVersion: 1, params: { rules: [{ id: 'mini', when: `model startsWith "${match}"` }] } },
      { id: 'fb', type: 'fallback', typeVersion: 1, params: { branches: [{ id: 'first' }, { id: 'second' }, { id: 'third' }] } },
      target('t1', provider, model),
      target('t2', provider, model),
      target('t3', provider, model),
      target('other', provider, model),
    ],
    edges: [
      { source: 'route', sourceHandle: 'mini', target: 'fb', targetHandle: 'in' },
      { source: 'route', sourceHandle: 'default', target: 'other', targetHandle: 'in' },
      { source: 'fb', sourceHandle: 'first', target: 't1', targetHandle: 'in' },
      { source: 'fb', sourceHandle: 'second', target: 't2', targetHandle: 'in' },
      { source: 'fb', sourceHandle: 'third', target: 't3', targetHandle: 'in' },
    ],
  };
}

/**
 * The all-features gateway's graph: the caller's own rpm/tpm limits (a rate-limit node that reads
 * them from the API key) -> fallback between two targets on the same provider.
 */
export function limitedFallbackGraph(provider: string, model: string): PipelineGraph {
  return {
    schemaVersion: 1,
    nodes: [
      { id: 'limits', type: 'rate-limit', typeVersion: 1, params: { usePrincipalLimits: true, scope: 'key' } },
      { id: 'fb', type: 'fallback', typeVersion: 1, params: { branches: [{ id: 'primary' }, { id: 'backup' }] } },
      target('primary', provider, model),
      target('backup', provider, model),
    ],
    edges: [
      { source: 'limits', sourceHandle: 'next', target: 'fb', targetHandle: 'in' },
      { source: 'fb', sourceHandle: 'primary', target: 'primary', targetHandle: 'in' },
      { source: 'fb', sourceHandle: 'backup', target: 'backup', targetHandle: 'in' },
    ],
  };
}

/** The chat request every latency scenario sends (streams ask for the usage chunk, as billing needs). */
export const chatBody = (stream: boolean, model = 'gpt-4o-mini') => ({
  model,
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Write one sentence about switchyards and the trains that pass through them.' },
  ],
  max_tokens: 64,
  ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
});

/** The pipeline the all-features gateway binds to the bench's model name. */
export const FULL_PIPELINE_ID = 'bench-full';

/** What gateway-full-process.ts tops the customer's account up with: one million credits, in micro-credits. */
export const TOP_UP_MICROS = 1_000_000 * 1_000_000;

/** The paying customer gateway-full-process.ts sets up: the key the load sends and whom it charges. */
export interface BenchCustomer {
  /** The API key's secret (`Authorization: Bearer <key>`). */
  key: string;
  keyId: string;
  userId: string;
  /** The billing account charged: `user:<userId>`. */
  account: string;
  pipelineId: string;
}
