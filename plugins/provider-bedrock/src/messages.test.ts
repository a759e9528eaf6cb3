import { describe, expect, it } from 'vitest';
import { GatewayError } from '@switchyard/plugin-kit';
import type { ChatMessage } from '@switchyard/plugin-kit';
import { createImageResolver } from './image-input';
import { convertMessages } from './messages';

const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const resolveImage = createImageResolver({ imageUrls: 'off', imageUrlMaxBytes: 1_000_000, imageUrlTimeoutMs: 1000 }, new AbortController().signal);
const convert = (messages: ChatMessage[], toolsAvailable = true) => convertMessages(messages, { resolveImage, toolsAvailable });

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  if (!GatewayError.is(err)) throw new Error(`expected a GatewayError, got ${String(err)}`);
  return err;
}

describe('convertMessages', () => {
  it('moves system and developer messages into system blocks, skipping empty ones', async () => {
    const out = await convert([
      { role: 'system', content: 'Be brief.' },
      { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }, { type: 'text', text: '' }] },
      { role: 'user', content: 'Hi' },
    ]);
    expect(out.system).toEqual([{ text: 'Be brief.' }, { text: 'Use metric units.' }]);
    expect(out.messages).toEqual([{ role: 'user', content: [{ text: 'Hi' }] }]);
  });

  it('keeps a multi-turn history and merges consecutive turns of one role', async () => {
    const out = await convert([
      { role: 'user', content: 'First' },
      { role: 'user', content: [{ type: 'text', text: 'Second' }] },
      { role: 'assistant', content: 'Reply' },
      { role: 'assistant', content: 'More' },
      { role: 'user', content: 'Third' },
    ]);
    expect(out.messages).toEqual([
      { role: 'user', content: [{ text: 'First' }, { text: 'Second' }] },
      { role: 'assistant', content: [{ text: 'Reply' }, { text: 'More' }] },
      { role: 'user', content: [{ text: 'Third' }] },
    ]);
  });

  it('turns parallel tool calls into toolUse blocks and their results into one user turn, results first', async () => {
    const out = await convert([
      { role: 'user', content: 'Weather and time?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
          { id: 'call_b', type: 'function', function: { name: 'time', arguments: '' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: '3C' },
      { role: 'tool', tool_call_id: 'call_b', content: [{ type: 'text', text: '14:00' }] },
      { role: 'user', content: 'Thanks, and tomorrow?' },
    ]);
    expect(out.messages).toEqual([
      { role: 'user', content: [{ text: 'Weather and time?' }] },
      {
        role: 'assistant',
        content: [{ text: 'Checking.' }, { toolUse: { toolUseId: 'call_a', name: 'weather', input: { city: 'Oslo' } } }, { toolUse: { toolUseId: 'call_b', name: 'time', input: {} } }],
      },
      {
        role: 'user',
        content: [{ toolResult: { toolUseId: 'call_a', content: [{ text: '3C' }] } }, { toolResult: { toolUseId: 'call_b', content: [{ text: '14:00' }] } }, { text: 'Thanks, and tomorrow?' }],
      },
    ]);
  });

  it('puts tool results before text that came first in a merged user turn', async () => {
    const out = await convert([
      { role: 'user', content: 'q' },
      { role: 'assistant', tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'user', content: 'extra context' },
      { role: 'tool', tool_call_id: 't1', content: 'done' },
    ]);
    expect(out.messages[2].content).toEqual([{ toolResult: { toolUseId: 't1', content: [{ text: 'done' }] } }, { text: 'extra context' }]);
  });

  it('writes tool history out as text when the request offers no tools', async () => {
    const out = await convert(
      [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'lookup', arguments: '{"k":1}' } }] },
        { role: 'tool', tool_call_id: 't1', content: 'v' },
      ],
      false,
    );
    expect(out.messages[1]).toEqual({ role: 'assistant', content: [{ text: '[called tool lookup (call id t1) with arguments {"k":1}]' }] });
    expect(out.messages[2]).toEqual({ role: 'user', content: [{ text: '[result of lookup (call id t1)]: v' }] });
  });

  it('refuses tool arguments that are not a JSON object, naming the field', async () => {
    const err = await rejection(convert([{ role: 'user', content: 'q' }, { role: 'assistant', tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '[1,2]' } }] }]));
    expect(err.status).toBe(400);
    expect(err.param).toBe('messages[1].tool_calls[0].function.arguments');
  });

  it('does not send reasoning_content back (Bedrock needs a signature the OpenAI shape lacks)', async () => {
    const out = await convert([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'a', reasoning_content: 'private thoughts' },
      { role: 'user', content: 'next' },
    ]);
    expect(JSON.stringify(out.messages)).not.toContain('private thoughts');
  });

  it('turns a data: URL image into an image block with bytes and format', async () => {
    const out = await convert([{ role: 'user', content: [{ type: 'text', text: 'What?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_B64}` } }] }]);
    const image = out.messages[0].content![1].image!;
    expect(image.format).toBe('png');
    expect(Buffer.from((image.source as { bytes: Uint8Array }).bytes).toString('base64')).toBe(PNG_B64);
  });

  it('turns a PDF file part into a document block', async () => {
    const pdf = Buffer.from('%PDF-1.4 minimal').toString('base64');
    const out = await convert([{ role: 'user', content: [{ type: 'file', file: { file_data: `data:application/pdf;base64,${pdf}`, filename: 'report.v2.pdf' } }, { type: 'text', text: 'Summarise.' }] }]);
    const doc = out.messages[0].content![0].document!;
    expect(doc.format).toBe('pdf');
    expect(doc.name).toBe('report-v2');
  });

  it('refuses audio, uploaded file ids, unknown roles and conversations with nothing to send', async () => {
    expect((await rejection(convert([{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }]))).param).toBe('messages[0].content[0]');
    expect((await rejection(convert([{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }]))).code).toBe('unsupported_parameter');
    expect((await rejection(convert([{ role: 'robot', content: 'x' } as unknown as ChatMessage]))).param).toBe('messages[0].role');
    expect((await rejection(convert([{ role: 'system', content: 'only a system prompt' }]))).param).toBe('messages');
    expect((await rejection(convert([]))).param).toBe('messages');
  });
});
