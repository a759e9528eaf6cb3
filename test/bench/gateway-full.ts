import { TOP_UP_MICROS, type BenchCustomer } from './bench-config';
import { startChild, type Child } from './child';

export interface FullGateway {
  child: Child;
  customer: BenchCustomer;
  /** The admin API of that gateway (admin key), for checks after a run. */
  admin<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/** Starts gateway-full-process.ts in front of `upstreamUrl` and reads the customer it set up. */
export async function startFullGateway(upstreamUrl: string, env: Record<string, string> = {}, execArgv: string[] = []): Promise<FullGateway> {
  const adminKey = env.BENCH_KEY ?? 'sy-bench-key';
  const child = await startChild('gateway-full-process.ts', { UPSTREAM_URL: upstreamUrl, BENCH_KEY: adminKey, ...env }, execArgv);
  const m = /CUSTOMER (\{.*\})/.exec(child.preamble);
  if (!m) {
    await child.stop();
    throw new Error('gateway-full-process.ts printed no CUSTOMER line');
  }
  const origin = new URL(child.url).origin;
  return {
    child,
    customer: JSON.parse(m[1]) as BenchCustomer,
    async admin(method, path, body) {
      const res = await fetch(origin + path, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
  };
}

export interface FeatureEvidence {
  usageWritten: number;
  usageDropped: number;
  /** The customer's account, micro-credits. */
  balance: number;
  /** Held for requests in flight, and with credit leases, what the instance's lease still holds. */
  held: number;
  /** What the customer was charged: the top-up less what it still has, spendable or held. */
  spent: number;
}

/**
 * Waits (up to 10 s) until the gateway has written every queued usage event, and at least
 * `expected` of them, then says what its usage recorder and the customer's billing account show:
 * the run's evidence that recording and billing were on.
 */
export async function featureEvidence(gw: FullGateway, expected = 0): Promise<FeatureEvidence> {
  let status: { depth: number; written: number; dropped: Record<string, number> } | undefined;
  for (let i = 0; i < 200; i++) {
    status = (await gw.admin('GET', '/api/analytics/status')).body.queue;
    if (status!.depth === 0 && status!.written >= expected) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  // With credit leases, charges are written just after their answers: settled when no usage event and no charge is pending.
  let account = (await gw.admin<{ balance: number; held: number }>('GET', `/api/billing/accounts/${gw.customer.account}`)).body;
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 25));
    const again = (await gw.admin<{ balance: number; held: number }>('GET', `/api/billing/accounts/${gw.customer.account}`)).body;
    if (again.balance === account.balance && again.held === account.held) break;
    account = again;
  }
  return {
    usageWritten: status!.written,
    usageDropped: Object.values(status!.dropped).reduce((a, b) => a + b, 0),
    balance: account.balance,
    held: account.held,
    spent: TOP_UP_MICROS - account.balance - account.held,
  };
}
