import { describe, expect, it } from 'vitest';
import { declaredModels } from './models';

describe('declaredModels', () => {
  it('lists exactly the configured models with vendor and capabilities inferred from the family', () => {
    expect(declaredModels(['us.anthropic.claude-sonnet-4-20250514-v1:0', 'amazon.titan-embed-text-v2:0', 'stability.sd3-5-large-v1:0', 'meta.llama3-70b-instruct-v1:0'])).toEqual([
      { id: 'us.anthropic.claude-sonnet-4-20250514-v1:0', ownedBy: 'anthropic', capabilities: ['chat', 'streaming', 'tools', 'json', 'vision', 'reasoning'] },
      { id: 'amazon.titan-embed-text-v2:0', ownedBy: 'amazon', capabilities: ['embeddings'] },
      { id: 'stability.sd3-5-large-v1:0', ownedBy: 'stability', capabilities: ['images'] },
      { id: 'meta.llama3-70b-instruct-v1:0', ownedBy: 'meta', capabilities: ['chat', 'streaming', 'tools', 'json'] },
    ]);
    expect(declaredModels([])).toEqual([]);
  });
});
