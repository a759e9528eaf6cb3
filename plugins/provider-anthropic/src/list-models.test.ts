import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '@anthropic-ai/sdk/resources/models';
import { toUpstreamModel } from './list-models';

describe('toUpstreamModel', () => {
  it('keeps the id, turns created_at into seconds and reads vision and thinking support', () => {
    const model = { type: 'model', id: 'claude-x', display_name: 'Claude X', created_at: '2025-02-24T00:00:00Z', capabilities: { image_input: { supported: true }, thinking: { supported: true } } } as unknown as ModelInfo;
    expect(toUpstreamModel(model)).toEqual({ id: 'claude-x', created: 1740355200, ownedBy: 'anthropic', capabilities: ['chat', 'streaming', 'tools', 'json', 'vision', 'reasoning'] });
  });

  it('leaves out what the model does not report', () => {
    const model = { type: 'model', id: 'claude-old', display_name: 'Old', created_at: '1970-01-01T00:00:00Z', capabilities: null } as unknown as ModelInfo;
    expect(toUpstreamModel(model)).toEqual({ id: 'claude-old', ownedBy: 'anthropic', capabilities: ['chat', 'streaming', 'tools', 'json'] });
  });
});
