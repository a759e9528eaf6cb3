import { Sha256 } from '@aws-crypto/sha256-js';
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand, InvokeModelCommand, type ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startBedrockEmulator, type BedrockEmulator } from './bedrock';
import { decodeStreamBody } from './bedrock/event-stream';
import { listBedrockFixtures, readJsonFixture, readStreamFixture } from './bedrock/fixtures';

const MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const hello = { modelId: MODEL, messages: [{ role: 'user' as const, content: [{ text: 'hello emulator' }] }] };

let emulator: BedrockEmulator;
let client: BedrockRuntimeClient;

function clientWith(credentials: { accessKeyId: string; secretAccessKey: string }, region = emulator.region): BedrockRuntimeClient {
  return new BedrockRuntimeClient({ region, endpoint: emulator.url, credentials, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
}

async function failure(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: Error) => err,
  );
}

async function collect(stream: AsyncIterable<ConverseStreamOutput> | undefined): Promise<ConverseStreamOutput[]> {
  const out: ConverseStreamOutput[] = [];
  for await (const event of stream ?? []) out.push(event);
  return out;
}

/** Signs a request by hand (as the SDK would) so it can then be tampered with. */
async function signedRequest(body: string, options: { secret?: string; date?: Date; region?: string; contentHash?: boolean } = {}) {
  const url = new URL(emulator.url);
  const request = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: `/model/${encodeURIComponent(MODEL)}/converse`,
    headers: { host: url.host, 'content-type': 'application/json' },
    body,
  });
  const signer = new SignatureV4({
    credentials: { accessKeyId: emulator.credentials.accessKeyId, secretAccessKey: options.secret ?? emulator.credentials.secretAccessKey },
    region: options.region ?? emulator.region,
    service: 'bedrock',
    sha256: Sha256,
    // With applyChecksum the signer also sends x-amz-content-sha256 (the body hash in a header).
    applyChecksum: options.contentHash ?? false,
  });
  return signer.sign(request, { signingDate: options.date ?? new Date() });
}

async function send(signed: { path: string; headers: Record<string, string> }, body: string) {
  const res = await fetch(`${emulator.url}${signed.path}`, { method: 'POST', headers: signed.headers, body });
  return { status: res.status, errorType: res.headers.get('x-amzn-errortype'), body: (await res.json()) as Record<string, string> };
}

beforeAll(async () => {
  emulator = await startBedrockEmulator({ region: 'eu-central-1' });
  client = clientWith(emulator.credentials);
});
afterAll(async () => {
  client.destroy();
  await emulator.close();
});
beforeEach(() => emulator.reset());

describe('SigV4 verification', () => {
  it('accepts the official SDK signing with the right credential', async () => {
    const out = await client.send(new ConverseCommand(hello));
    expect(out.output?.message?.content?.[0]).toEqual({ text: 'hello emulator' });
    expect(emulator.rejectedAuth).toBe(0);
  });

  it('rejects the official SDK signing with a wrong secret as AWS does: 403 InvalidSignatureException', async () => {
    const wrong = clientWith({ accessKeyId: emulator.credentials.accessKeyId, secretAccessKey: 'not-the-secret' });
    const err = await failure(wrong.send(new ConverseCommand(hello)));
    wrong.destroy();
    expect(err.name).toBe('InvalidSignatureException');
    expect(err.$metadata?.httpStatusCode).toBe(403);
    expect(err.message).toMatch(/^The request signature we calculated does not match the signature you provided\./);
    expect(err.message).toContain('The Canonical String for this request should have been');
    expect(emulator.rejectedAuth).toBe(1);
  });

  it('rejects an unknown access key with UnrecognizedClientException', async () => {
    const stranger = clientWith({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: emulator.credentials.secretAccessKey });
    const err = await failure(stranger.send(new ConverseCommand(hello)));
    stranger.destroy();
    expect(err.name).toBe('UnrecognizedClientException');
    expect(err.$metadata?.httpStatusCode).toBe(403);
    expect(err.message).toBe('The security token included in the request is invalid.');
  });

  it('rejects a signature scoped to another region', async () => {
    const elsewhere = clientWith(emulator.credentials, 'us-west-2');
    const err = await failure(elsewhere.send(new ConverseCommand(hello)));
    elsewhere.destroy();
    expect(err.name).toBe('InvalidSignatureException');
    expect(err.message).toContain('Credential should be scoped to a valid region');
  });

  it('answers an unsigned request with the wire format AWS uses (x-amzn-ErrorType header, JSON body)', async () => {
    const res = await fetch(`${emulator.url}/model/${encodeURIComponent(MODEL)}/converse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/');
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({ Message: 'Authorization header is missing' });
  });

  it('rejects a correctly signed request whose body was changed afterwards', async () => {
    const body = JSON.stringify(hello);
    const signed = await signedRequest(body);
    const ok = await send(signed, body);
    expect(ok.status).toBe(200);
    const tampered = await send(signed, body.replace('hello emulator', 'hello attacker'));
    expect(tampered.status).toBe(403);
    expect(tampered.errorType).toMatch(/^InvalidSignatureException:/);
    expect(tampered.body.message).toMatch(/^The request signature we calculated does not match/);
  });

  it('rejects a body that does not match its signed x-amz-content-sha256 header', async () => {
    const body = JSON.stringify(hello);
    const signed = await signedRequest(body, { contentHash: true });
    expect((await send(signed, body)).status).toBe(200);
    const tampered = await send(signed, body.replace('hello emulator', 'hello attacker'));
    expect(tampered.status).toBe(403);
    expect(tampered.body.message).toBe("The provided 'x-amz-content-sha256' header does not match what was computed.");
  });

  it('rejects a signature older than five minutes', async () => {
    const body = JSON.stringify(hello);
    const signed = await signedRequest(body, { date: new Date(Date.now() - 10 * 60_000) });
    const res = await send(signed, body);
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z/);
  });

  it('records every request, rejected ones included, with the decoded model id', async () => {
    const wrong = clientWith({ accessKeyId: emulator.credentials.accessKeyId, secretAccessKey: 'nope' });
    await failure(wrong.send(new ConverseCommand(hello)));
    wrong.destroy();
    await client.send(new ConverseCommand(hello));
    expect(emulator.requests.map((r) => r.path)).toEqual([`/model/${MODEL}/converse`, `/model/${MODEL}/converse`]);
    expect(emulator.requests[1].body).toMatchObject({ messages: [{ role: 'user', content: [{ text: 'hello emulator' }] }] });
  });
});

describe('Converse', () => {
  it('renders a scripted reply with reasoning, text, tool use and cache usage', async () => {
    emulator.enqueue({ reasoning: 'hmm', text: 'Here.', toolCalls: [{ id: 'tu_1', name: 'lookup', arguments: '{"q":"x"}' }], usage: { input: 50, output: 7, cachedInput: 30, cacheWrite: 5 } });
    const out = await client.send(new ConverseCommand(hello));
    expect(out.output?.message?.content).toEqual([
      { reasoningContent: { reasoningText: { text: 'hmm', signature: expect.any(String) } } },
      { text: 'Here.' },
      { toolUse: { toolUseId: 'tu_1', name: 'lookup', input: { q: 'x' } } },
    ]);
    expect(out.stopReason).toBe('tool_use');
    expect(out.usage).toEqual({ inputTokens: 15, outputTokens: 7, totalTokens: 57, cacheReadInputTokens: 30, cacheWriteInputTokens: 5 });
  });

  it('maps scripted finishes to Bedrock stop reasons', async () => {
    emulator.enqueue({ text: 'a', finish: 'length' }, { text: 'b', finish: 'content_filter' });
    expect((await client.send(new ConverseCommand(hello))).stopReason).toBe('max_tokens');
    expect((await client.send(new ConverseCommand(hello))).stopReason).toBe('content_filtered');
  });

  it('answers through a forced tool when the scripted text is JSON', async () => {
    emulator.enqueue({ text: '{"answer":42}' });
    const out = await client.send(
      new ConverseCommand({ ...hello, toolConfig: { tools: [{ toolSpec: { name: 'json_response', inputSchema: { json: { type: 'object' } } } }], toolChoice: { tool: { name: 'json_response' } } } }),
    );
    expect(out.output?.message?.content).toEqual([{ toolUse: { toolUseId: expect.any(String), name: 'json_response', input: { answer: 42 } } }]);
  });

  it('renders scripted errors as the Bedrock exception with retry-after', async () => {
    emulator.enqueue({ error: { status: 429, kind: 'rate_limit', retryAfterSeconds: 4 } });
    const err = (await failure(client.send(new ConverseCommand(hello)))) as Error & { $metadata?: { httpStatusCode?: number }; $response?: { headers: Record<string, string> } };
    expect(err.name).toBe('ThrottlingException');
    expect(err.$metadata?.httpStatusCode).toBe(429);
    expect(err.$response?.headers['retry-after']).toBe('4');
  });

  it('replays a queued Converse body verbatim', async () => {
    emulator.enqueueConverseBody({ output: { message: { role: 'assistant', content: [{ text: 'verbatim' }] } }, stopReason: 'stop_sequence', usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } });
    const out = await client.send(new ConverseCommand(hello));
    expect(out.output?.message?.content).toEqual([{ text: 'verbatim' }]);
    expect(out.stopReason).toBe('stop_sequence');
  });

  it('refuses what Bedrock refuses: same-role turns, blank text, tool blocks without toolConfig', async () => {
    const sameRole = await failure(client.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: 'a' }] }, { role: 'user', content: [{ text: 'b' }] }] })));
    expect(sameRole.name).toBe('ValidationException');
    expect(sameRole.message).toContain('must alternate between user and assistant');
    const blank = await failure(client.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: ' ' }] }] })));
    expect(blank.message).toContain('is blank');
    const noConfig = await failure(
      client.send(
        new ConverseCommand({
          modelId: MODEL,
          messages: [
            { role: 'user', content: [{ text: 'q' }] },
            { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: 'f', input: {} } }] },
            { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ text: 'r' }] } }] },
          ],
        }),
      ),
    );
    expect(noConfig.message).toBe('The toolConfig field must be defined when using toolUse and toolResult content blocks.');
  });

  it('counts requests the client aborted while waiting', async () => {
    emulator.enqueue({ text: 'late', latencyMs: 5000 });
    const controller = new AbortController();
    const pending = client.send(new ConverseCommand(hello), { abortSignal: controller.signal });
    await vi.waitFor(() => expect(emulator.requests).toHaveLength(1), { interval: 5 });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await vi.waitFor(() => expect(emulator.aborted).toBe(1), { interval: 5 });
  });

  it('resets the connection when told to', async () => {
    emulator.enqueue({ reset: true });
    const err = await failure(client.send(new ConverseCommand(hello)));
    expect(err.message).toMatch(/socket hang up|ECONNRESET/);
    expect(emulator.aborted).toBe(0);
  });
});

describe('ConverseStream', () => {
  it('streams binary event-stream frames the SDK decodes: text word by word, tool input in pieces, usage in metadata', async () => {
    emulator.enqueue({ text: 'one two three', toolCalls: [{ id: 'tu_9', name: 'calc', arguments: '{"expr":"1+2"}' }], usage: { input: 4, output: 6 } });
    const out = await client.send(new ConverseStreamCommand(hello));
    const events = await collect(out.stream);
    const names = events.map((e) => Object.keys(e).find((k) => (e as unknown as Record<string, unknown>)[k] !== undefined));
    expect(names).toEqual(['messageStart', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockStop', 'contentBlockStart', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata']);
    const text = events.map((e) => e.contentBlockDelta?.delta?.text ?? '').join('');
    expect(text).toBe('one two three');
    const input = events.map((e) => e.contentBlockDelta?.delta?.toolUse?.input ?? '').join('');
    expect(JSON.parse(input)).toEqual({ expr: '1+2' });
    expect(events.at(-1)?.metadata?.usage).toEqual({ inputTokens: 4, outputTokens: 6, totalTokens: 10 });
  });

  it('sends the frames with the headers AWS uses', async () => {
    const res = await fetch(`${emulator.url}/model/m/converse-stream`, { method: 'POST', headers: (await signedStreamRequest()).headers, body: JSON.stringify(hello) });
    expect(res.headers.get('content-type')).toBe('application/vnd.amazon.eventstream');
    const messages = decodeStreamBody(new Uint8Array(await res.arrayBuffer()));
    expect(messages[0]).toMatchObject({ kind: 'event', name: 'messageStart', payload: { role: 'assistant' } });
    expect(messages.at(-1)).toMatchObject({ kind: 'event', name: 'metadata' });
  });

  it('replays every recorded ConverseStream fixture verbatim, one binary frame per recorded event', async () => {
    const { streams } = listBedrockFixtures();
    expect(streams.length).toBeGreaterThan(0);
    for (const file of streams) {
      const recorded = readStreamFixture(file);
      emulator.enqueueStreamEvents(recorded);
      const res = await fetch(`${emulator.url}/model/m/converse-stream`, { method: 'POST', headers: (await signedStreamRequest()).headers, body: JSON.stringify(hello) });
      const frames = decodeStreamBody(new Uint8Array(await res.arrayBuffer()));
      expect(frames.map((f) => ({ [f.name]: f.payload })), file).toEqual(recorded);
      expect(frames.every((f) => f.kind === 'event')).toBe(true);
    }
  });

  it('replays every recorded Converse fixture through the SDK unchanged', async () => {
    for (const file of listBedrockFixtures().bodies) {
      const recorded = readJsonFixture(file) as { output: unknown; stopReason: string };
      emulator.enqueueConverseBody(recorded);
      const out = await client.send(new ConverseCommand(hello));
      expect(out.output, file).toEqual(recorded.output);
      expect(out.stopReason).toBe(recorded.stopReason);
    }
  });

  it('delivers an exception frame mid-stream that the SDK throws as the modeled exception', async () => {
    emulator.enqueueStreamEvents([{ messageStart: { role: 'assistant' } }, { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Hi' } } }, { throttlingException: { message: 'Too many tokens, slow down.' } }]);
    const out = await client.send(new ConverseStreamCommand(hello));
    const seen: ConverseStreamOutput[] = [];
    const err = await failure(
      (async () => {
        for await (const event of out.stream!) seen.push(event);
      })(),
    );
    expect(seen.map((e) => e.contentBlockDelta?.delta?.text).filter(Boolean)).toEqual(['Hi']);
    expect(err.name).toBe('ThrottlingException');
    expect(err.message).toBe('Too many tokens, slow down.');
  });

  it('cuts the connection after the scripted number of content events', async () => {
    emulator.enqueue({ text: 'a b c d e f g h', cutAfterEvents: 3 });
    const out = await client.send(new ConverseStreamCommand(hello));
    const seen: ConverseStreamOutput[] = [];
    await failure(
      (async () => {
        for await (const event of out.stream!) seen.push(event);
      })(),
    );
    expect(seen.filter((e) => e.contentBlockDelta)).toHaveLength(3);
  });
});

describe('InvokeModel', () => {
  async function invoke(modelId: string, body: unknown) {
    const out = await client.send(new InvokeModelCommand({ modelId, contentType: 'application/json', accept: 'application/json', body: new TextEncoder().encode(JSON.stringify(body)) }));
    return JSON.parse(new TextDecoder().decode(out.body)) as Record<string, any>;
  }

  it('embeds with Titan v2 (dimensions) and Cohere (batched texts), deterministically', async () => {
    const titan = await invoke('amazon.titan-embed-text-v2:0', { inputText: 'alpha', dimensions: 256, normalize: true });
    expect(titan.embedding).toHaveLength(256);
    expect(titan.inputTextTokenCount).toBe(1);
    const again = await invoke('amazon.titan-embed-text-v2:0', { inputText: 'alpha', dimensions: 256 });
    expect(again.embedding).toEqual(titan.embedding);
    const cohere = await invoke('cohere.embed-english-v3', { texts: ['a', 'b', 'c'], input_type: 'search_document' });
    expect(cohere.embeddings).toHaveLength(3);
    expect(cohere.response_type).toBe('embeddings_floats');
  });

  it('refuses malformed native bodies with ValidationException', async () => {
    const err = await failure(invoke('amazon.titan-embed-text-v1', { inputText: 'x', dimensions: 256 }));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toContain('extraneous key [dimensions]');
  });

  it('generates images for Titan/Nova (TEXT_IMAGE) and Stability', async () => {
    const nova = await invoke('amazon.nova-canvas-v1:0', { taskType: 'TEXT_IMAGE', textToImageParams: { text: 'a cat' }, imageGenerationConfig: { numberOfImages: 2 } });
    expect(nova.images).toHaveLength(2);
    expect(Buffer.from(nova.images[0], 'base64').subarray(1, 4).toString()).toBe('PNG');
    const sd = await invoke('stability.sd3-5-large-v1:0', { prompt: 'a cat', mode: 'text-to-image' });
    expect(sd.images).toHaveLength(1);
    expect(sd.finish_reasons).toEqual([null]);
  });
});

async function signedStreamRequest() {
  const url = new URL(emulator.url);
  const signer = new SignatureV4({ credentials: emulator.credentials, region: emulator.region, service: 'bedrock', sha256: Sha256 });
  return signer.sign(new HttpRequest({ method: 'POST', hostname: url.hostname, port: Number(url.port), path: '/model/m/converse-stream', headers: { host: url.host, 'content-type': 'application/json' }, body: JSON.stringify(hello) }));
}
