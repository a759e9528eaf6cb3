import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_ADMIN_KEY, type TestGateway } from '../support/gateway';
import { api, graph, publishPipeline, recordingHooks, target, until } from './support';

/** Publishing swaps the running version without a restart; requests already running finish on the old one. */
describe('publish swaps versions live', () => {
  let gw: TestGateway;
  let client: OpenAI;
  const rec = recordingHooks();

  beforeAll(async () => {
    gw = await startTestGateway({
      config: {
        providers: [
          { id: 'slow', plugin: 'mock', settings: { mode: 'canned', cannedText: 'one two three four five six', chunkDelayMs: 30 } },
          { id: 'fast', plugin: 'mock', settings: { mode: 'canned', cannedText: 'version two' } },
          { id: 'third', plugin: 'mock', settings: { mode: 'canned', cannedText: 'version three' } },
        ],
        models: [],
        pipelines: [],
      },
      hooks: [rec.hooks],
    });
    client = new OpenAI({ apiKey: TEST_ADMIN_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => gw?.stop());

  const ask = async () => (await client.chat.completions.create({ model: 'swap', messages: [{ role: 'user', content: 'x' }] })).choices[0].message.content;

  it('finishes an in-flight stream on the old version, serves new requests on the new one, then disposes of the old', async () => {
    await publishPipeline(gw, 'swap', graph([target('t', 'slow', 'm')]), { aliases: ['swap'] });
    const v1 = gw.pipelines.runtime.get('swap')!;

    const stream = await client.chat.completions.create({ model: 'swap', stream: true, messages: [{ role: 'user', content: 'x' }] });
    const it = stream[Symbol.asyncIterator]();
    let text = '';
    const first = await it.next();
    text += first.value?.choices[0]?.delta.content ?? '';
    expect(v1.inFlight).toBe(1);

    await api(gw, 'PATCH', '/pipelines/swap', { graph: graph([target('t', 'fast', 'm')]) });
    expect((await api(gw, 'POST', '/pipelines/swap/publish', {})).body.version).toBe(2);
    expect(await ask()).toBe('version two');
    // v1 is still serving the stream, so it is not disposed of yet.
    expect(v1.disposed).toBe(false);
    expect(gw.pipelines.runtime.drainingCount('swap')).toBe(1);

    for (let step = await it.next(); !step.done; step = await it.next()) text += step.value.choices[0]?.delta.content ?? '';
    expect(text).toBe('one two three four five six');
    await until(() => v1.disposed, 'the replaced version to be disposed of');
    expect(gw.pipelines.runtime.drainingCount('swap')).toBe(0);

    const summaries = await rec.waitForSummaries(2);
    const streamed = summaries.find((s) => s.stream)!;
    expect(streamed.pipeline).toEqual({ id: 'swap', version: 1 });
    expect(streamed.final).toMatchObject({ providerId: 'slow', status: 200 });
    expect(summaries.filter((s) => !s.stream).map((s) => s.pipeline)).toEqual([{ id: 'swap', version: 2 }]);
  });

  it('disposes of a still-draining version at the next swap, so a stuck request cannot pin old versions', async () => {
    rec.clear();
    await api(gw, 'PATCH', '/pipelines/swap', { graph: graph([target('t', 'slow', 'm')]) });
    await api(gw, 'POST', '/pipelines/swap/publish', {});
    const v3 = gw.pipelines.runtime.get('swap')!;
    const stream = await client.chat.completions.create({ model: 'swap', stream: true, messages: [{ role: 'user', content: 'x' }] });
    const it = stream[Symbol.asyncIterator]();
    await it.next();

    await api(gw, 'PATCH', '/pipelines/swap', { graph: graph([target('t', 'fast', 'm')]) });
    await api(gw, 'POST', '/pipelines/swap/publish', {});
    expect(v3.disposed).toBe(false);
    await api(gw, 'PATCH', '/pipelines/swap', { graph: graph([target('t', 'third', 'm')]) });
    await api(gw, 'POST', '/pipelines/swap/publish', {});
    expect(v3.disposed).toBe(true);
    expect(await ask()).toBe('version three');
    await it.return?.();
  });
});
