import type { ChatCompletion, ChatCompletionRequest, EmbeddingRequest } from '@switchyard/plugin-kit';
import { runNode } from '@switchyard/plugin-kit/testing';
import { describe, expect, it } from 'vitest';
import plugin, { type PiiRedactParams } from './index';

const chatRequest = (content: string): ChatCompletionRequest => ({
  model: 'gpt-test',
  messages: [
    { role: 'system', content: 'Support desk. Escalations go to lead@example.com.' },
    { role: 'user', content },
  ],
});

const node = (params: PiiRedactParams = {}) => ({ type: 'pii.redact', params: params as Record<string, unknown> });

/** An upstream that repeats, in its answer, everything the user said (placeholders included). */
const parrot = (request: unknown): ChatCompletion => {
  const messages = (request as ChatCompletionRequest).messages;
  const said = String(messages[messages.length - 1].content);
  return {
    id: 'c1',
    object: 'chat.completion',
    created: 1,
    model: 'm',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: `You said: ${said}`,
          refusal: null,
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'send_mail', arguments: JSON.stringify({ to: '[EMAIL_2]' }) } }],
        },
        finish_reason: 'tool_calls',
        logprobs: null,
      },
    ],
  };
};

describe('pii.redact node', () => {
  it('keeps personal data from the upstream and gives it back in the answer', async () => {
    const run = await runNode({ plugin, node: node(), request: chatRequest('I am ada@example.com, card 4111 1111 1111 1111.'), upstream: parrot });
    const sent = run.upstream[0].request as ChatCompletionRequest;
    expect(sent.messages[0].content).toBe('Support desk. Escalations go to [EMAIL_1].');
    expect(sent.messages[1].content).toBe('I am [EMAIL_2], card [CARD_1].');
    expect(JSON.stringify(sent)).not.toMatch(/ada@example|4111/);

    expect(run.result.ok).toBe(true);
    expect(run.text).toBe('You said: I am ada@example.com, card 4111 1111 1111 1111.');
    const message = ((run.result as { response: ChatCompletion }).response).choices[0].message;
    expect(JSON.parse(message.tool_calls![0].function.arguments)).toEqual({ to: 'ada@example.com' });
    expect(run.result.trace[0].decision).toBe('redacted 3 (email 2, card 1)');
  });

  it('restores placeholders in a stream, wherever the chunks split them', async () => {
    const run = await runNode({
      plugin,
      node: node(),
      request: chatRequest('Ring me on +44 20 7946 0958'),
      stream: true,
      upstream: () => ({ stream: ['Calling [PH', 'ONE', '_1', '] now; copy [EMA', 'IL_1]. [ok]'] }),
    });
    expect(run.streamError).toBeUndefined();
    expect(run.text).toBe('Calling +44 20 7946 0958 now; copy lead@example.com. [ok]');
    expect(run.chunks.at(-1)?.choices[0].finish_reason).toBe('stop');
  });

  it('can leave the placeholders in the answer', async () => {
    const run = await runNode({ plugin, node: node({ restore: false }), request: chatRequest('ada@example.com'), upstream: parrot });
    expect(run.text).toBe('You said: [EMAIL_2]');
  });

  it('redacts only the roles and kinds asked for', async () => {
    const run = await runNode({ plugin, node: node({ roles: ['user'], detect: ['ipv4'] }), request: chatRequest('from 10.1.2.3, ada@example.com') });
    const sent = run.upstream[0].request as ChatCompletionRequest;
    expect(sent.messages[0].content).toBe('Support desk. Escalations go to lead@example.com.');
    expect(sent.messages[1].content).toBe('from [IP_1], ada@example.com');
  });

  it('redacts embedding inputs', async () => {
    const request: EmbeddingRequest = { model: 'embed', input: ['mail ada@example.com', 'nothing here'] };
    const run = await runNode({
      plugin,
      node: node(),
      kind: 'embeddings',
      request,
      upstream: () => ({ object: 'list', model: 'embed', data: [{ object: 'embedding', index: 0, embedding: [0.1] }], usage: { prompt_tokens: 1, total_tokens: 1 } }),
    });
    expect((run.upstream[0].request as EmbeddingRequest).input).toEqual(['mail [EMAIL_1]', 'nothing here']);
    expect(run.result.ok).toBe(true);
  });

  it('says so in the trace when there is nothing to redact, and passes the request on unchanged', async () => {
    const request = chatRequest('hello');
    request.messages.shift();
    const run = await runNode({ plugin, node: node(), request });
    expect(run.upstream[0].request).toEqual(request);
    expect(run.result.trace[0].decision).toBe('nothing to redact');
  });

  it('is refused by the validator with a bad custom pattern', async () => {
    await expect(runNode({ plugin, node: node({ custom: [{ label: 'X', pattern: '(' }] }), request: chatRequest('x') })).rejects.toMatchObject({
      issues: [expect.objectContaining({ code: 'invalid_params', field: expect.stringContaining('params.custom[0].pattern') })],
    });
  });
});

// Params are typed from the JSON Schema: tsc checks these lines.
const typed: PiiRedactParams = { detect: ['email', 'iban'], custom: [{ label: 'EMP', pattern: 'x' }], restore: true };
// @ts-expect-error 'fax' is not a detector
const wrong: PiiRedactParams = { detect: ['fax'] };
void typed;
void wrong;
