/** The plugin end to end against the emulator: what reaches the upstream, and what comes back. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assembleStream, expectOpenAIValid } from '@switchyard/plugin-kit/testing';
import type { FunctionTool } from '@switchyard/plugin-kit';
import { API_KEY, MODEL, callContext, chatRequest, collect, startHarness } from './harness';

type Harness = Awaited<ReturnType<typeof startHarness>>;
type Sent = Record<string, any>;

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const weather: FunctionTool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
const time: FunctionTool = { type: 'function', function: { name: 'get_time' } };

describe('anthropic provider against the emulator', () => {
  let harness: Harness;
  const sent = (): Sent => harness.emulator.requests.at(-1)!.body as Sent;

  beforeAll(async () => {
    harness = await startHarness({ anthropicVersion: '2023-01-01', defaultMaxTokens: 333 });
  });
  beforeEach(() => harness.emulator.reset());
  afterAll(() => harness.close());

  it('sends the history in Anthropic form: system hoisted, tool calls and grouped tool results, merged turns', async () => {
    harness.emulator.enqueue({ text: 'Sunny and 14:00.' });
    const completion = await harness.provider.chat(
      chatRequest(
        [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Weather and time in Paris?' },
          {
            role: 'assistant',
            content: 'Checking both.',
            tool_calls: [
              { id: 'toolu_w', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
              { id: 'toolu_t', type: 'function', function: { name: 'get_time', arguments: '{}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'toolu_w', content: 'sunny' },
          { role: 'tool', tool_call_id: 'toolu_t', content: '14:00' },
          { role: 'developer', content: 'Use 24-hour time.' },
          { role: 'user', content: 'Summarise.' },
        ],
        { tools: [weather, time] },
      ),
      callContext(),
    );
    expect(completion.choices[0].message.content).toBe('Sunny and 14:00.');
    const body = sent();
    expect(body.model).toBe(MODEL);
    expect(body.max_tokens).toBe(333);
    expect(body.system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Use 24-hour time.' },
    ]);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather and time in Paris?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking both.' },
          { type: 'tool_use', id: 'toolu_w', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_t', name: 'get_time', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_w', content: 'sunny' },
          { type: 'tool_result', tool_use_id: 'toolu_t', content: '14:00' },
          { type: 'text', text: 'Summarise.' },
        ],
      },
    ]);
    expect(body.tools.map((t: Sent) => t.name)).toEqual(['get_weather', 'get_time']);
    const headers = harness.emulator.requests[0].headers;
    expect(headers['x-api-key']).toBe(API_KEY);
    expect(headers['anthropic-version']).toBe('2023-01-01');
  });

  it('sends images as base64 and url sources', async () => {
    await harness.provider.chat(
      chatRequest([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare.' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
            { type: 'image_url', image_url: { url: 'https://example.com/b.jpg' } },
          ],
        },
      ]),
      callContext(),
    );
    expect(sent().messages[0].content.slice(1)).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/b.jpg' } },
    ]);
  });

  it('maps tool_choice and parallel_tool_calls, and returns parallel tool calls', async () => {
    harness.emulator.enqueue({
      toolCalls: [
        { id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { id: 'toolu_2', name: 'get_time', arguments: '{}' },
      ],
    });
    const completion = await harness.provider.chat(chatRequest('Both, please.', { tools: [weather, time], tool_choice: 'required' }), callContext());
    expect(sent().tool_choice).toEqual({ type: 'any' });
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(completion.choices[0].message.tool_calls).toEqual([
      { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
      { id: 'toolu_2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
    ]);

    await harness.provider.chat(chatRequest('One.', { tools: [weather, time], tool_choice: { type: 'function', function: { name: 'get_time' } }, parallel_tool_calls: false }), callContext());
    expect(sent().tool_choice).toEqual({ type: 'tool', name: 'get_time', disable_parallel_tool_use: true });
    await harness.provider.chat(chatRequest('None.', { tools: [weather], tool_choice: 'none' }), callContext());
    expect(sent().tool_choice).toEqual({ type: 'none' });
  });

  it('turns reasoning_effort into a thinking budget and returns thinking as reasoning_content, in JSON and streams', async () => {
    harness.emulator.enqueue({ reasoning: 'Weigh the options.', text: 'Option B.', usage: { input: 20, output: 50, reasoning: 30 } }, { reasoning: 'Weigh the options.', text: 'Option B.' });
    const completion = await harness.provider.chat(chatRequest('Pick one.', { reasoning_effort: 'low', max_completion_tokens: 5000 }), callContext());
    expect(sent()).toMatchObject({ max_tokens: 5000, thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect(completion.choices[0].message).toMatchObject({ content: 'Option B.', reasoning_content: 'Weigh the options.' });
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(30);

    const chunks = await collect(harness.provider.chatStream(chatRequest('Pick one.', { reasoning_effort: 'high', stream: true }), callContext()));
    expect(sent()).toMatchObject({ max_tokens: 333 + 16384, thinking: { type: 'enabled', budget_tokens: 16384 }, stream: true });
    const assembled = assembleStream(chunks).choices[0];
    expect(assembled.reasoning).toBe('Weigh the options.');
    expect(assembled.text).toBe('Option B.');
  });

  it('answers json_schema requests with the forced tool input as content, in JSON and streams', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' }, score: { type: 'number' } }, required: ['city', 'score'] };
    const format = { type: 'json_schema' as const, json_schema: { name: 'rating', schema } };
    harness.emulator.enqueue({ text: '{"city":"Lyon","score":9}' }, { text: '{"city":"Lyon","score":9}' });
    const completion = await harness.provider.chat(chatRequest('Rate Lyon.', { response_format: format }), callContext());
    expectOpenAIValid('CreateChatCompletionResponse', completion);
    expect(JSON.parse(completion.choices[0].message.content!)).toEqual({ city: 'Lyon', score: 9 });
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(sent().tools).toEqual([{ name: 'json', description: expect.any(String), input_schema: schema }]);

    const chunks = await collect(harness.provider.chatStream(chatRequest('Rate Lyon.', { response_format: format, stream: true }), callContext()));
    const assembled = assembleStream(chunks).choices[0];
    expect(assembled.text).toBe('{"city":"Lyon","score":9}');
    expect(assembled.toolCalls).toEqual([]);
    expect(assembled.finishReason).toBe('stop');
  });

  it('with caller tools and JSON output, lets a real tool call through as a tool call', async () => {
    harness.emulator.enqueue({ toolCalls: [{ id: 'toolu_x', name: 'get_weather', arguments: '{"city":"Rome"}' }] });
    const completion = await harness.provider.chat(chatRequest('Weather in Rome, as JSON.', { tools: [weather], response_format: { type: 'json_object' } }), callContext());
    expect(sent().tool_choice).toEqual({ type: 'any' });
    expect(sent().tools.map((t: Sent) => t.name)).toEqual(['get_weather', 'json']);
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(completion.choices[0].message.tool_calls?.[0].function.name).toBe('get_weather');
  });

  it('passes stop sequences and reports the stop as finish_reason stop', async () => {
    const completion = await harness.provider.chat(chatRequest('alpha beta END gamma', { stop: ['END'], temperature: 0.3, top_p: 0.7 }), callContext());
    expect(sent()).toMatchObject({ stop_sequences: ['END'], temperature: 0.3, top_p: 0.7 });
    expect(completion.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'alpha beta ' } });
  });

  it('uses one client per credential: a bad key fails without disturbing the good one', async () => {
    await expect(harness.provider.chat(chatRequest('a'), callContext({ credential: { apiKey: 'another-key-that-is-wrong' } }))).rejects.toMatchObject({ status: 401 });
    const ok = await harness.provider.chat(chatRequest('still fine'), callContext());
    expect(ok.choices[0].message.content).toBe('still fine');
    expect(harness.emulator.requests.map((r) => r.headers['x-api-key'])).toEqual(['another-key-that-is-wrong', API_KEY]);
  });

  it('lists the upstream models with their capabilities', async () => {
    const { model: _model, ...ctx } = callContext();
    const models = await harness.provider.listModels!(ctx);
    expect(models.map((m) => m.id)).toEqual(['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001', 'claude-3-haiku-20240307']);
    expect(models[2]).toEqual({ id: 'claude-3-haiku-20240307', created: Date.parse('2024-03-07T00:00:00Z') / 1000, ownedBy: 'anthropic', capabilities: ['chat', 'streaming', 'tools', 'json', 'vision'] });
    expect(harness.emulator.requests[0]).toMatchObject({ method: 'GET', path: '/v1/models', query: { limit: '1000' } });
  });
});
