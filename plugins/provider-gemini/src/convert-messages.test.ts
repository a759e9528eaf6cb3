import { describe, expect, it } from 'vitest';
import { GatewayError, type ChatMessage } from '@switchyard/plugin-kit';
import { toGeminiConversation } from './convert-messages';
import { SKIP_SIGNATURE, makeToolCallId } from './tool-call-id';

function failure(messages: ChatMessage[]): GatewayError {
  try {
    toGeminiConversation(messages);
  } catch (err) {
    if (GatewayError.is(err)) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('toGeminiConversation', () => {
  it('gathers system and developer messages into systemInstruction, wherever they stand', () => {
    const out = toGeminiConversation([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'developer', content: [{ type: 'text', text: 'Use French.' }] },
    ]);
    expect(out.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }, { text: 'Use French.' }] });
    expect(out.contents).toEqual([{ role: 'user', parts: [{ text: 'Hi' }] }]);
  });

  it('keeps a multi-turn history, assistant turns as role model', () => {
    const out = toGeminiConversation([
      { role: 'user', content: 'One' },
      { role: 'assistant', content: 'Two', reasoning_content: 'thinking that is not sent back' },
      { role: 'user', content: 'Three' },
    ]);
    expect(out.contents).toEqual([
      { role: 'user', parts: [{ text: 'One' }] },
      { role: 'model', parts: [{ text: 'Two' }] },
      { role: 'user', parts: [{ text: 'Three' }] },
    ]);
    expect(out.systemInstruction).toBeUndefined();
  });

  it('turns tool calls into functionCall parts and tool results into one functionResponse turn', () => {
    const out = toGeminiConversation([
      { role: 'user', content: 'Weather and time?' },
      {
        role: 'assistant',
        content: 'Let me check.',
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_b', type: 'function', function: { name: 'time', arguments: '' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_b', content: '{"time":"10:00"}' },
      { role: 'tool', tool_call_id: 'call_a', content: [{ type: 'text', text: 'sunny' }] },
      { role: 'user', content: 'Thanks' },
    ]);
    expect(out.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather and time?' }] },
      {
        role: 'model',
        parts: [
          { text: 'Let me check.' },
          // No signature came with these calls: Google's documented stand-in is sent on the first.
          { functionCall: { name: 'weather', args: { city: 'Paris' } }, thoughtSignature: SKIP_SIGNATURE },
          { functionCall: { name: 'time', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'time', response: { time: '10:00' } } },
          { functionResponse: { name: 'weather', response: { output: 'sunny' } } },
        ],
      },
      { role: 'user', parts: [{ text: 'Thanks' }] },
    ]);
  });

  it('sends back the thought signature carried in a tool call id', () => {
    const id = makeToolCallId({ responseId: 'r', candidate: 0, call: 0, name: 'weather' }, 'c2lnbmF0dXJl');
    const out = toGeminiConversation([
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: 'weather', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: id, content: 'rain' },
    ]);
    expect(out.contents[1]).toEqual({ role: 'model', parts: [{ functionCall: { name: 'weather', args: {} }, thoughtSignature: 'c2lnbmF0dXJl' }] });
  });

  it('maps images, audio and files to inlineData or fileData', () => {
    const out = toGeminiConversation([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.webp' } },
          { type: 'image_url', image_url: { url: 'https://example.com/render?id=3' } },
          { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
          { type: 'file', file: { file_data: 'JVBERi0=', filename: 'b.pdf' } },
        ],
      },
    ]);
    expect(out.contents[0].parts).toEqual([
      { text: 'Look' },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      { fileData: { fileUri: 'https://example.com/cat.webp', mimeType: 'image/webp' } },
      { fileData: { fileUri: 'https://example.com/render?id=3', mimeType: 'image/jpeg' } },
      { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
      { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
      { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
    ]);
  });

  it('drops empty assistant turns', () => {
    const out = toGeminiConversation([
      { role: 'user', content: 'a' },
      { role: 'assistant', content: '' },
      { role: 'user', content: 'b' },
    ]);
    expect(out.contents.map((c) => c.role)).toEqual(['user', 'user']);
  });

  it('refuses what Gemini cannot take, as 400s naming the field', () => {
    expect(failure([{ role: 'system', content: 'only a system prompt' }])).toMatchObject({ status: 400, param: 'messages' });
    expect(failure([{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'nope', content: 'r' }])).toMatchObject({ status: 400, param: 'messages[1].tool_call_id' });
    expect(
      failure([
        { role: 'user', content: 'x' },
        { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{broken' } }] },
      ]),
    ).toMatchObject({ status: 400, param: 'messages[1].tool_calls[0].function.arguments' });
    expect(
      failure([
        { role: 'user', content: 'x' },
        { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1,2]' } }] },
      ]),
    ).toMatchObject({ status: 400 });
    expect(failure([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] }])).toMatchObject({ status: 400, param: 'messages[0].content[0].image_url.url' });
    expect(failure([{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-123' } }] }])).toMatchObject({ status: 400, code: 'unsupported_parameter' });
    expect(failure([{ role: 'user', content: [{ type: 'file', file: { file_data: 'AAAA' } }] }])).toMatchObject({ status: 400 });
  });
});
