import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOpenAiError, startFuzzTarget, type FuzzTarget } from './fuzz-target';
import { rawExchange, type RawOutcome } from './raw-http';

/**
 * Slow-loris: clients that trickle their headers or body, or stall half-way, against a gateway in
 * its own process with short limits. Each slow connection ends soon after its limit with a 408
 * (in the API's error shape) or a clean close, and meanwhile normal requests are served.
 * 240 slow connections at once; the file takes about 25 s.
 */
const HEADERS_MS = 1000;
const REQUEST_MS = 6000;
const BODY_IDLE_MS = 1500;
/**
 * How long past its limit a slow connection may live: node checks on a timer (100 ms here), and
 * this machine is busy. Short enough that a stalled body must have been cut by the body timeout,
 * not by the request timeout.
 */
const SLACK_MS = 2500;
/** The trickling clients' pace: well inside the body timeout, even on a loaded machine. */
const TRICKLE_MS = 250;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes `bytes` one at a time, `gapMs` apart, until done or the server closes the connection. */
async function trickle(socket: net.Socket, bytes: Buffer, gapMs: number): Promise<void> {
  for (let i = 0; i < bytes.length; i++) {
    if (socket.destroyed || socket.writableEnded) return;
    socket.write(bytes.subarray(i, i + 1));
    await sleep(gapMs);
  }
}

interface Slow {
  kind: string;
  limitMs: number;
  outcome: RawOutcome;
  heldMs: number;
}

describe('slow clients (slow-loris)', () => {
  let target: FuzzTarget;
  let url: string;
  let host: string;

  beforeAll(async () => {
    target = await startFuzzTarget({
      SWITCHYARD_HEADERS_TIMEOUT_MS: String(HEADERS_MS),
      SWITCHYARD_REQUEST_TIMEOUT_MS: String(REQUEST_MS),
      SWITCHYARD_BODY_TIMEOUT_MS: String(BODY_IDLE_MS),
    });
    url = target.instance.url;
    host = new URL(url).host;
  }, 60_000);
  afterAll(async () => {
    if (target?.instance.process.exitCode === null) await target.stop();
    target?.cleanup();
  });

  const chatHead = (key: string, length: number, path = '/v1/chat/completions') =>
    `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
  const body = JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: 'x'.repeat(400) }] });

  const slowClient = async (kind: string, limitMs: number, write: (socket: net.Socket) => Promise<void>): Promise<Slow> => {
    const started = Date.now();
    const outcome = await rawExchange(url, write, { untilClose: true, timeoutMs: REQUEST_MS + 10_000 });
    return { kind, limitMs, outcome, heldMs: Date.now() - started };
  };

  it('cuts trickled headers, trickled bodies and stalled bodies at their limits, and serves normal requests meanwhile', async () => {
    const slow: Array<Promise<Slow>> = [];
    for (let i = 0; i < 80; i++) {
      // Headers a byte at a time: never complete before the headers timeout.
      slow.push(slowClient('headers trickled', HEADERS_MS, (s) => trickle(s, Buffer.from(`GET /v1/models HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${target.userKey}\r\nX-Slow: ${'a'.repeat(200)}\r\n\r\n`), TRICKLE_MS)));
      // Requests whose body the server reads (the caller may): the v1 lane as a user, an admin route as the admin.
      const head = () => (i % 2 ? chatHead(target.userKey, body.length) : chatHead(target.adminKey, body.length, '/api/keys'));
      // Whole headers, then the body a byte at a time: never idle long, but over the request timeout.
      slow.push(
        slowClient('body trickled', REQUEST_MS, async (s) => {
          s.write(head());
          await trickle(s, Buffer.from(body), TRICKLE_MS);
        }),
      );
      // Whole headers and half the body, then silence: the body timeout.
      slow.push(slowClient('body stalled', BODY_IDLE_MS, async (s) => void s.write(head() + body.slice(0, body.length >> 1))));
    }

    // While 240 slow connections are open, normal clients are served.
    await sleep(300);
    const normal: number[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${target.userKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: `normal ${i}` }] }),
      });
      normal.push(r.status);
      await r.text();
      normal.push((await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${target.userKey}` } })).status);
    }
    expect(normal.every((s) => s === 200)).toBe(true);

    const results = await Promise.all(slow);
    const problems = results
      .map((r) => {
        const o = r.outcome;
        if (r.heldMs > r.limitMs + SLACK_MS) return `${r.kind}: held ${r.heldMs} ms (limit ${r.limitMs})`;
        // Cut early (before its limit) would be a bug too: the clients were within no limit yet.
        if (r.heldMs < r.limitMs - 100) return `${r.kind}: ended after ${r.heldMs} ms, before its limit ${r.limitMs}`;
        if (o.kind === 'closed' && o.received === '') return undefined;
        if (o.kind !== 'response') return `${r.kind}: ${o.kind} ${JSON.stringify(o)}`;
        if (o.status !== 408) return `${r.kind}: status ${o.status} ${o.body.slice(0, 200)}`;
        if (!isOpenAiError(JSON.parse(o.body))) return `${r.kind}: 408 not in the error shape: ${o.body}`;
        return undefined;
      })
      .filter(Boolean);
    expect(problems.slice(0, 10), `${problems.length} of ${results.length}`).toEqual([]);
    // Each kind was answered (not merely closed) at least mostly: the 408 is what a client can act on.
    for (const kind of ['headers trickled', 'body trickled', 'body stalled']) {
      const answered = results.filter((r) => r.kind === kind && r.outcome.kind === 'response').length;
      expect(answered, kind).toBeGreaterThanOrEqual(70);
    }

    expect(target.instance.process.exitCode).toBeNull();
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  }, 45_000);

  it('a stalled body refused before it is read (no key, no rights) gets that answer at once, and nothing after it', async () => {
    const cases: Array<[string, string, number]> = [
      ['sy-not-a-real-key', '/v1/chat/completions', 401],
      [target.userKey, '/api/keys', 403],
    ];
    const check = async ([key, path, status]: [string, string, number]) => {
      const started = Date.now();
      let raw = '';
      let answeredAt = Infinity;
      const outcome = await rawExchange(
        url,
        (s) => {
          s.on('data', (d: Buffer) => {
            answeredAt = Math.min(answeredAt, Date.now());
            raw += d.toString('latin1');
          });
          s.write(chatHead(key, body.length, path) + body.slice(0, 10));
        },
        { untilClose: true, timeoutMs: REQUEST_MS + 10_000 },
      );
      expect(outcome.kind).toBe('response');
      expect(outcome.kind === 'response' && outcome.status).toBe(status);
      // Answered before any timeout could have.
      expect(answeredAt - started).toBeLessThan(BODY_IDLE_MS);
      // The rest of the body is awaited (and discarded) until the request limit, then the connection closes without a second answer.
      expect(raw.match(/HTTP\/1\.1 /g)).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(REQUEST_MS + SLACK_MS);
    };
    await Promise.all(cases.map(check));
  }, 30_000);
});
