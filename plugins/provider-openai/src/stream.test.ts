import { describe, expect, it } from 'vitest';
import { chunkJson, type ChatCompletionChunk } from '@switchyard/plugin-kit';
import { streamChatCompletion } from './stream';

/** A client whose streamed call answers `sse` in one read, as the pooled fetch hands it over. */
function clientAnswering(sse: string): Parameters<typeof streamChatCompletion>[0] {
  const headers = { get: (name: string) => (name === 'content-type' ? 'text/event-stream' : null) };
  async function* body() {
    yield Buffer.from(sse);
  }
  return { chat: { completions: { create: () => ({ asResponse: async () => ({ headers, body: body() }) }) } } } as unknown as Parameters<typeof streamChatCompletion>[0];
}

async function read(sse: string): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  const stream = streamChatCompletion(clientAnswering(sse), { model: 'm', messages: [], stream: true }, new AbortController().signal, { provider: 'openai', secrets: [] });
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const event = (data: string) => `data: ${data}\n\n`;
const CANONICAL = '{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"caf\\u00e9 "},"logprobs":null,"finish_reason":null}],"usage":null}';
const LAST = '{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}';
const USAGE = '{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}';

describe('the openai stream reader and the upstream\'s own JSON text', () => {
  it('keeps the text of every chunk it had nothing to fix in, exactly as the upstream wrote it', async () => {
    const chunks = await read(event(CANONICAL) + event(LAST) + event(USAGE) + event('[DONE]'));
    expect(chunks.map((c) => chunkJson(c))).toEqual([CANONICAL, LAST, undefined]);
    // The usage chunk is rebuilt to be held back to the end: serialized, not relayed as text.
    expect(chunks[2].usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  });

  it('keeps no text for a chunk it filled in or renamed in, or one whose data spans lines', async () => {
    const noObject = '{"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}]}';
    const noFinish = '{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"b"}}]}';
    const noDelta = '{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"finish_reason":null}]}';
    const noIndex = '{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"delta":{"content":"c"},"finish_reason":null}]}';
    const reasoning = '{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{"reasoning":"hmm"},"finish_reason":null}]}';
    const twoLines = 'data: {"id":"c1","object":"chat.completion.chunk","created":7,"model":"m",\ndata: "choices":[{"index":0,"delta":{"content":"d"},"finish_reason":null}]}\n\n';
    const usageOnChoices = '{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}';
    const chunks = await read([noObject, noFinish, noDelta, noIndex, reasoning].map(event).join('') + twoLines + event(usageOnChoices));
    expect(chunks).toHaveLength(8);
    expect(chunks.map((c) => chunkJson(c))).toEqual(new Array(8).fill(undefined));
    expect(chunks[4].choices[0].delta).toEqual({ reasoning_content: 'hmm' });
    expect(chunks[6].usage).toBeNull();
  });
});
