import { describe, expect, it } from 'vitest';
import { toModelInfo } from './models';

describe('toModelInfo', () => {
  it('strips the models/ prefix and derives capabilities from the supported methods', () => {
    expect(toModelInfo({ name: 'models/gemini-2.5-pro', supportedActions: ['generateContent', 'countTokens'], thinking: true })).toEqual({
      id: 'gemini-2.5-pro',
      ownedBy: 'google',
      capabilities: ['chat', 'streaming', 'tools', 'vision', 'json', 'reasoning'],
    });
    expect(toModelInfo({ name: 'models/gemini-embedding-001', supportedActions: ['embedContent'] }).capabilities).toEqual(['embeddings']);
    expect(toModelInfo({ name: 'models/imagen-4.0-generate-001', supportedActions: ['predict'] }).capabilities).toEqual(['images']);
  });
});
