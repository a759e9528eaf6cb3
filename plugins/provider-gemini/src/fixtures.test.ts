/**
 * Replays every recorded Gemini exchange in ../shared/fixtures/gemini through the emulator (byte
 * for byte) and the plugin. Expected values are computed from the fixture files themselves: the
 * assembled text and tool-call arguments must equal what Google sent, every produced completion or
 * chunk must validate against OpenAI's published schema, and for the SDK's full HTTP recordings
 * the request the plugin sends must equal the request the official SDK sent.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError, type ChatCompletionChunk, type ChatCompletionRequest, type ChatMessage, type FunctionTool, type ProviderCallContext } from '@switchyard/plugin-kit';
import { assembleStream, expectOpenAIValid } from '@switchyard/plugin-kit/testing';
import { startGeminiEmulator, type GeminiEmulator } from '../../../test/emulators/gemini';
import { fixturePath, listFixtures, loadChunks, loadGenaiRecording, loadJson } from '../../../test/emulators/gemini/fixtures';
import { createGeminiProvider } from './provider';
import { readSettings } from './settings';

type Json = Record<string, any>;

let emulator: GeminiEmulator;
let provider: ReturnType<typeof createGeminiProvider>;

beforeAll(async () => {
  emulator = await startGeminiEmulator({ apiKey: 'fixture-key' });
  provider = createGeminiProvider(readSettings({ baseUrl: emulator.url }));
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => emulator.reset());

const ctx = (model: string): ProviderCallContext => ({ signal: new AbortController().signal, model, credential: { apiKey: 'fixture-key' }, requestId: 'fixture' });
const ask = (text: string): ChatCompletionRequest => ({ model: 'alias', messages: [{ role: 'user', content: text }] });

async function stream(request: ChatCompletionRequest, model: string): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of provider.chatStream({ ...request, stream: true }, ctx(model))) chunks.push(chunk);
  chunks.forEach((chunk, i) => expectOpenAIValid('CreateChatCompletionStreamResponse', chunk, `chunk ${i}`));
  return chunks;
}

/* ---------------------------------------------- expectations read from the fixtures */

const partsOf = (response: Json): Json[] => response.candidates?.[0]?.content?.parts ?? [];
const answerText = (responses: Json[]) => responses.flatMap(partsOf).filter((p) => typeof p.text === 'string' && !p.thought).map((p) => p.text).join('');
const functionCalls = (responses: Json[]) => responses.flatMap(partsOf).filter((p) => p.functionCall).map((p) => p.functionCall as { name: string; args: Json });
const modelOf = (responses: Json[]) => responses.find((r) => r.modelVersion)?.modelVersion as string;

/** The OpenAI usage a Gemini usageMetadata stands for (thoughts are completion tokens). */
function expectedUsage(meta: Json) {
  const completion = (meta.candidatesTokenCount ?? 0) + (meta.thoughtsTokenCount ?? 0);
  return { prompt_tokens: meta.promptTokenCount, completion_tokens: completion, total_tokens: meta.promptTokenCount + completion };
}

/** A Gemini Schema (upper-case types) as the JSON Schema an OpenAI client would have sent. */
function toJsonSchema(schema: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'type') out.type = String(value).toLowerCase();
    else if (key === 'properties') out.properties = Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, toJsonSchema(v as Json)]));
    else if (key === 'items') out.items = toJsonSchema(value as Json);
    else out[key] = value;
  }
  return out;
}

function toolsOf(recorded: Json): FunctionTool[] {
  return (recorded.tools ?? []).flatMap((tool: Json) =>
    (tool.functionDeclarations ?? []).map((d: Json) => ({ type: 'function', function: { name: d.name, description: d.description, parameters: toJsonSchema(d.parameters) } })),
  );
}

/** Without the stand-in signature the plugin adds to calls that came with none. */
function withoutSkipSignatures(contents: Json[]): Json[] {
  return contents.map((c) => ({ ...c, parts: c.parts.map(({ thoughtSignature, ...rest }: Json) => (thoughtSignature === 'skip_thought_signature_validator' ? rest : { ...rest, thoughtSignature })) }));
}

/* ------------------------------------------------------------------------- tests */

const handled = new Set<string>();
const fixture = (name: string) => {
  handled.add(name);
  return name;
};

describe('recorded Gemini traffic through the emulator and the plugin', () => {
  for (const name of ['google-text.chunks.txt', 'google-tool-call.chunks.txt'].map(fixture)) {
    it(`streams ${name}`, async () => {
      const recorded = loadChunks(name);
      const events = recorded.events!.map((line) => JSON.parse(line) as Json);
      emulator.enqueueRecorded(recorded);
      const chunks = await stream(ask('replay'), modelOf(events));
      const assembled = assembleStream(chunks);
      const choice = assembled.choices[0];
      expect(choice.text).toBe(answerText(events));
      const calls = functionCalls(events);
      expect(choice.toolCalls.map((c) => c.name)).toEqual(calls.map((c) => c.name));
      choice.toolCalls.forEach((call, i) => expect(JSON.parse(call.arguments)).toEqual(calls[i].args));
      expect(choice.finishReason).toBe(calls.length > 0 ? 'tool_calls' : 'stop');
      expect(assembled.usage).toMatchObject(expectedUsage(events.at(-1)!.usageMetadata));
      expect(assembled.usageChunkIndex).toBe(chunks.length - 1);
    });
  }

  for (const name of ['google-text.json', 'google-tool-call.json'].map(fixture)) {
    it(`answers ${name}`, async () => {
      const recorded = loadJson(name);
      const response = JSON.parse(recorded.body!) as Json;
      emulator.enqueueRecorded(recorded);
      const completion = await provider.chat(ask('replay'), ctx(response.modelVersion));
      expectOpenAIValid('CreateChatCompletionResponse', completion);
      const message = completion.choices[0].message;
      const text = answerText([response]);
      expect(message.content).toBe(text === '' ? null : text);
      const calls = functionCalls([response]);
      expect((message.tool_calls ?? []).map((c) => [c.function.name, JSON.parse(c.function.arguments)])).toEqual(calls.map((c) => [c.name, c.args]));
      expect(completion.usage).toMatchObject(expectedUsage(response.usageMetadata));
      expect(completion.model).toBe(response.modelVersion);
    });
  }

  it(`maps ${fixture('google-429-retry-info.json')} to a retryable 429 with the RetryInfo delay`, async () => {
    const recorded = loadJson('google-429-retry-info.json');
    const body = JSON.parse(fs.readFileSync(fixturePath('google-429-retry-info.json'), 'utf8')) as Json;
    const delay = (body.error.details as Json[]).find((d) => String(d['@type']).endsWith('RetryInfo'))!.retryDelay as string;
    for (const call of [() => provider.chat(ask('x'), ctx('gemini-2.0-flash')), () => stream(ask('x'), 'gemini-2.0-flash')]) {
      emulator.enqueueRecorded(recorded);
      const error = await call().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(GatewayError.is(error)).toBe(true);
      expect(error).toMatchObject({ status: body.error.code, retryable: true, retryAfterMs: Math.round(Number(delay.replace(/s$/, '')) * 1000) });
      expect((error as GatewayError).message).toContain(body.error.message);
    }
  });

  for (const name of listFixtures().filter((n) => n.startsWith('genai-')).map(fixture)) {
    it(`reproduces the SDK recording ${name}: same requests upstream, same answers back`, async () => {
      const interactions = loadGenaiRecording(name);
      const history: ChatMessage[] = [];
      for (const [i, interaction] of interactions.entries()) {
        const recordedRequest = interaction.request.body as Json;
        const recordedEvents = interaction.response.events!.map((e) => JSON.parse(e) as Json);
        const model = /models\/([^:]+):/.exec(interaction.request.url)![1];

        // The OpenAI request this turn stands for: the conversation so far plus the new user text.
        const newUser = (recordedRequest.contents as Json[]).at(-1)!;
        history.push({ role: 'user', content: partsOf({ candidates: [{ content: newUser }] }).map((p) => p.text).join('') });
        const tools = toolsOf(recordedRequest);
        emulator.enqueueRecorded(interaction.response);
        const chunks = await stream({ model: 'alias', messages: [...history], ...(tools.length > 0 ? { tools } : {}) }, model);

        const sent = emulator.requests[i];
        expect(`${sent.path}?alt=${sent.query.alt}`).toBe(interaction.request.url);
        const body = sent.body as Json;
        expect(withoutSkipSignatures(body.contents)).toEqual(recordedRequest.contents);
        expect(body.tools).toEqual(recordedRequest.tools);
        expect(body.generationConfig ?? {}).toEqual(recordedRequest.generationConfig ?? {});

        const assembled = assembleStream(chunks);
        const choice = assembled.choices[0];
        expect(choice.text).toBe(answerText(recordedEvents));
        const calls = functionCalls(recordedEvents);
        expect(choice.toolCalls.map((c) => [c.name, JSON.parse(c.arguments)])).toEqual(calls.map((c) => [c.name, c.args]));
        expect(assembled.usage).toMatchObject(expectedUsage(recordedEvents.at(-1)!.usageMetadata));

        // The answer joins the history as an OpenAI client would keep it.
        history.push({
          role: 'assistant',
          content: choice.text === '' ? null : choice.text,
          ...(choice.toolCalls.length > 0 ? { tool_calls: choice.toolCalls.map((c) => ({ id: c.id!, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })) } : {}),
        });
      }
    });
  }

  it('covers every fixture in the folder', () => {
    expect(listFixtures().filter((name) => !handled.has(name))).toEqual([]);
  });
});
