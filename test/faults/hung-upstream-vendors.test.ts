import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { within } from '../support/within';
import { startSlowUpstream, type SlowUpstream } from './slow-upstream';

/**
 * The vendor SDK providers (Anthropic, Gemini, Bedrock) against an upstream that reads each
 * request and never answers (their bodies name no mode the slow upstream knows, so it hangs): a
 * client that leaves releases the upstream socket at once, and a call past the provider's timeout
 * is a clean 504 that releases it too. hung-upstream.test.ts covers the OpenAI-compatible provider
 * with every way of misbehaving.
 */
const VENDORS = ['anthropic', 'gemini', 'bedrock'] as const;
type Vendor = (typeof VENDORS)[number];
const SHORT_TIMEOUT_MS = 1500;
const messages = [{ role: 'user', content: 'hello' }];

describe('vendor SDK providers against a hung upstream', () => {
  let upstream: SlowUpstream;
  let gw: TestGateway;

  const origin = () => new URL(upstream.baseUrl).origin;
  function provider(vendor: Vendor, id: string, timeoutMs: number) {
    switch (vendor) {
      case 'anthropic':
        return { id, plugin: 'anthropic', settings: { baseUrl: origin(), timeoutMs }, credentials: [{ name: 'main', secret: { apiKey: 'sk-ant-hung-0001' } }] };
      case 'gemini':
        return { id, plugin: 'gemini', settings: { baseUrl: origin(), timeoutMs }, credentials: [{ name: 'main', secret: { apiKey: 'gemini-hung-0001' } }] };
      case 'bedrock':
        return { id, plugin: 'bedrock', settings: { region: 'us-east-1', endpoint: origin(), timeoutMs }, credentials: [{ name: 'main', secret: { accessKeyId: 'AKIAHUNGUPSTREAM0001', secretAccessKey: 'hung-upstream-secret-0001' } }] };
    }
  }
  const upstreamModel: Record<Vendor, string> = { anthropic: 'claude-hung', gemini: 'gemini-hung', bedrock: 'anthropic.claude-hung-v1:0' };

  beforeAll(async () => {
    upstream = await startSlowUpstream();
    gw = await startTestGateway({
      config: {
        providers: VENDORS.flatMap((v) => [provider(v, `${v}-patient`, 60_000), provider(v, `${v}-quick`, SHORT_TIMEOUT_MS)]),
        models: VENDORS.flatMap((v) => [
          { id: `${v}-patient`, provider: `${v}-patient`, upstreamModel: upstreamModel[v] },
          { id: `${v}-quick`, provider: `${v}-quick`, upstreamModel: upstreamModel[v] },
        ]),
        pipelines: [],
      },
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  function chat(model: string, stream: boolean, signal: AbortSignal) {
    return fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...gw.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ model, stream, messages, max_tokens: 16 }),
      signal,
    }).then(async (res) => ({ status: res.status, text: await res.text() }));
  }

  it.each(VENDORS)('%s: clients that leave release their upstream sockets at once', async (vendor) => {
    const before = upstream.received;
    const leaving = new AbortController();
    const calls = Array.from({ length: 20 }, (_, i) =>
      chat(`${vendor}-patient`, i % 2 === 0, leaving.signal).then(
        () => 'answered',
        () => 'left',
      ),
    );
    await within(10_000, async () => expect(upstream.received - before).toBe(20));
    expect(upstream.busy).toBe(20);
    leaving.abort();
    expect(await Promise.all(calls)).toEqual(Array(20).fill('left'));
    // The provider's own timeout is a minute away: only the gateway passing on the abort frees them.
    await within(3_000, async () => expect(upstream.busy).toBe(0));
  });

  it.each(VENDORS)('%s: a call past the provider timeout is a clean 504 and frees its socket', async (vendor) => {
    const answer = await chat(`${vendor}-quick`, false, AbortSignal.timeout(20_000));
    expect(answer.status).toBe(504);
    const body = JSON.parse(answer.text);
    expect(body.error).toMatchObject({ type: 'timeout_error' });
    expect(answer.text).not.toContain(new URL(upstream.baseUrl).port);
    await within(3_000, async () => expect(upstream.busy).toBe(0));
  });
});
