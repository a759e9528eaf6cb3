import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChatCompletionRequest } from '@switchyard/spec';
import { readEnv } from '../../server/src/config/env';
import { Dispatcher } from '../../server/src/dispatch/dispatcher';
import { combineHooks } from '../../server/src/dispatch/hooks';
import { RequestTracker } from '../../server/src/dispatch/tracker';
import { createGateway } from '../../server/src/gateway';
import { createLogger } from '../../server/src/logger';

/**
 * The pipeline's cost on the server's own request path, without HTTP: the same dispatcher, the
 * billing hooks and the request tracker, in front of the mock provider with no latency, once
 * straight to the model and once through conditional -> fallback (3 targets) -> target. The
 * two are called alternately, so load from elsewhere on the machine hits both alike.
 */
const target = (id: string) => ({ id, type: 'target', typeVersion: 1, params: { provider: 'mock', model: 'mock-chat' } });
const routed = {
  schemaVersion: 1,
  nodes: [
    { id: 'route', type: 'conditional', typeVersion: 1, params: { rules: [{ id: 'mini', when: 'model startsWith "mock"' }] } },
    { id: 'fb', type: 'fallback', typeVersion: 1, params: { branches: [{ id: 'first' }, { id: 'second' }, { id: 'third' }] } },
    target('t1'),
    target('t2'),
    target('t3'),
    target('other'),
  ],
  edges: [
    { source: 'route', sourceHandle: 'mini', target: 'fb', targetHandle: 'in' },
    { source: 'route', sourceHandle: 'default', target: 'other', targetHandle: 'in' },
    { source: 'fb', sourceHandle: 'first', target: 't1', targetHandle: 'in' },
    { source: 'fb', sourceHandle: 'second', target: 't2', targetHandle: 'in' },
    { source: 'fb', sourceHandle: 'third', target: 't3', targetHandle: 'in' },
  ],
};

export interface DispatchOverhead {
  scenario: string;
  direct: { p50: number; p99: number };
  pipeline: { p50: number; p99: number };
}

const pct = (xs: Float64Array, p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

export async function measureDispatchOverhead(samples = Number(process.env.BENCH_PIPELINE_SAMPLES ?? 20_000)): Promise<DispatchOverhead[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sy-bench-dispatch-'));
  const env = readEnv({ PORT: '0', SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_ADMIN_KEY: 'sy-bench-key', SWITCHYARD_MASTER_KEY: Buffer.alloc(32, 3).toString('base64'), SWITCHYARD_LOG_LEVEL: 'warn', SWITCHYARD_SEED_MOCK: 'false' });
  const gw = await createGateway({
    env,
    listen: false,
    logger: createLogger(env.logLevel),
    config: { providers: [{ id: 'mock', plugin: 'mock', settings: {} }], models: [{ id: 'mock-chat', provider: 'mock' }], pipelines: [{ id: 'routed', aliases: ['mock-routed'], graph: routed }] },
  });
  try {
    const dispatcher = new Dispatcher(gw.catalog, gw.pipelines.dispatch);
    const hooks = combineHooks([gw.billing.hooks]);
    const signal = new AbortController().signal;
    const principal = { method: 'admin-key', id: 'admin-key', scopes: ['*'] };
    let seq = 0;

    const once = async (model: string, stream: boolean): Promise<number> => {
      const request: ChatCompletionRequest = { model, messages: [{ role: 'user', content: 'one two three four' }], ...(stream ? { stream: true } : {}) };
      const t0 = performance.now();
      const tracker = new RequestTracker({ requestId: `b${seq++}`, principal, endpoint: 'chat', stream, requestedModel: model }, hooks);
      const result = await dispatcher.chat(request, { signal, requestId: tracker.info.requestId, tracker });
      if (result.kind === 'stream') {
        for (let step = result.stream.first; !step.done; step = await result.stream.rest.next());
      }
      tracker.finish(200);
      return performance.now() - t0;
    };

    const rows: DispatchOverhead[] = [];
    for (const stream of [false, true]) {
      for (let i = 0; i < 2000; i++) {
        await once('mock-chat', stream);
        await once('mock-routed', stream);
      }
      const direct = new Float64Array(samples);
      const piped = new Float64Array(samples);
      for (let i = 0; i < samples; i++) {
        direct[i] = await once('mock-chat', stream);
        piped[i] = await once('mock-routed', stream);
      }
      direct.sort();
      piped.sort();
      rows.push({ scenario: stream ? 'stream' : 'json', direct: { p50: pct(direct, 50), p99: pct(direct, 99) }, pipeline: { p50: pct(piped, 50), p99: pct(piped, 99) } });
    }
    return rows;
  } finally {
    await gw.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
