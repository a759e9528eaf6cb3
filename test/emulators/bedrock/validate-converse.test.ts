import { describe, expect, it } from 'vitest';
import { validateConverseRequest } from './validate-converse';

const user = (text: string) => ({ role: 'user', content: [{ text }] });

describe('validateConverseRequest', () => {
  it('accepts a well-formed conversation with tools', () => {
    expect(
      validateConverseRequest({
        messages: [user('q'), { role: 'assistant', content: [{ toolUse: { toolUseId: 't', name: 'f', input: {} } }] }, { role: 'user', content: [{ toolResult: { toolUseId: 't', content: [] } }] }],
        toolConfig: { tools: [{ toolSpec: { name: 'f', inputSchema: { json: { type: 'object' } } } }], toolChoice: { auto: {} } },
        inferenceConfig: { maxTokens: 10, temperature: 0.3, stopSequences: ['x'] },
        system: [{ text: 's' }],
      }),
    ).toBeUndefined();
  });

  it.each([
    ['no messages', { messages: [] }, 'must start with a user message'],
    ['assistant first', { messages: [{ role: 'assistant', content: [{ text: 'a' }] }] }, 'must start with a user message'],
    ['empty content', { messages: [{ role: 'user', content: [] }] }, 'is empty'],
    ['two block kinds', { messages: [{ role: 'user', content: [{ text: 'a', image: {} }] }] }, 'exactly one'],
    ['bad image format', { messages: [{ role: 'user', content: [{ image: { format: 'bmp', source: { bytes: 'AA==' } } }] }] }, 'format field'],
    ['missing tool result', { messages: [user('q'), { role: 'assistant', content: [{ toolUse: { toolUseId: 't', name: 'f', input: {} } }] }, user('r')], toolConfig: { tools: [{ toolSpec: { name: 'f', inputSchema: { json: {} } } }] } }, 'Expected toolResult blocks at messages.2.content for the following Ids: t'],
    ['maxTokens 0', { messages: [user('q')], inferenceConfig: { maxTokens: 0 } }, 'inferenceConfig.maxTokens'],
    ['topP > 1', { messages: [user('q')], inferenceConfig: { topP: 1.5 } }, 'inferenceConfig.topP'],
    ['blank system text', { messages: [user('q')], system: [{ text: '' }] }, 'system.0 is blank'],
    ['empty tools', { messages: [user('q')], toolConfig: { tools: [] } }, 'toolConfig.tools'],
    ['unknown forced tool', { messages: [user('q')], toolConfig: { tools: [{ toolSpec: { name: 'f', inputSchema: { json: {} } } }], toolChoice: { tool: { name: 'g' } } } }, 'not defined'],
  ])('refuses %s', (_name, body, message) => {
    expect(validateConverseRequest(body)).toContain(message);
  });
});
