import { startChild, type Child } from './child';
import { startFullGateway } from './gateway-full';

/** A process the developer tools load (profile-gateway.ts, cpu-per-request.ts), and the bearer key it takes. */
export interface Target {
  child: Child;
  key: string;
}

/**
 * Starts one bench process in front of `upstreamUrl`: `plain`, the gateway as `npm start` runs it;
 * `full`, the all-features gateway (gateway-full-process.ts); `sdk`, the SDK floor; `bare`, the
 * bare proxy.
 */
export async function startTarget(name: string, upstreamUrl: string, env: Record<string, string> = {}, execArgv: string[] = []): Promise<Target> {
  switch (name) {
    case 'full': {
      const full = await startFullGateway(upstreamUrl, env, execArgv);
      return { child: full.child, key: full.customer.key };
    }
    case 'plain':
      return { child: await startChild('gateway-process.ts', { UPSTREAM_URL: upstreamUrl, ...env }, execArgv), key: 'sy-bench-key' };
    case 'sdk':
    case 'bare':
      return { child: await startChild(`${name}-proxy.ts`, { UPSTREAM_URL: upstreamUrl, ...env }, execArgv), key: 'sk-bench-upstream' };
    default:
      throw new Error(`unknown bench target ${name}: choose plain, full, sdk or bare`);
  }
}
