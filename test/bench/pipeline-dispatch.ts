import { rmSync } from 'node:fs';
import type { ChatCompletionRequest } from '@switchyard/spec';
import { Dispatcher } from '../../server/src/dispatch/dispatcher';
import { combineHooks } from '../../server/src/dispatch/hooks';
import { RequestTracker } from '../../server/src/dispatch/tracker';
import { createGateway } from '../../server/src/gateway';
import { createLogger } from '../../server/src/logger';
import { benchEnv, routedGraph } from './bench-config';

/**
 * The pipeline's cost on the server's own request path, without HTTP: the same dispatcher, the
 * billing hooks and the request tracker, in front of the mock provider with no latency, once
 * straight to the model and once through conditional -> fallback (3 targets) -> target (the
 * graph of the HTTP scenario, bench-config.ts). The two are called alternately, so load from
 * elsewhere on the machine hits both alike.
 */
export interface DispatchOverhead {
  scenario: string;
  direct: { p50: number; p99: number };
  pipeline: { p50: number; p99: number };
}

const pct = (xs: Float64Array, p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

export async function measureDispatchOverhead(samples = Number(process.env.BENCH_PIPELINE_SAMPLES ?? 20_000)): Promise<DispatchOverhead[]> {
  const { env, dataDir } = benchEnv('sy-bench-dispatch-', 'sy-bench-key');
  const gw = await createGateway({
    env,
    listen: false,
    logger: createLogger(env.logLevel),
    config: { providers: [{ id: 'mock', plugin: 'mock', settings: {} }], models: [{ id: 'mock-chat', provider: 'mock' }], pipelines: [{ id: 'routed', aliases: ['mock-routed'], graph: routedGraph('mock', 'mock-chat', 'mock') }] },
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
