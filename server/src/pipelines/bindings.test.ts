import { describe, expect, it } from 'vitest';
import type { Principal } from '@switchyard/spec';
import { BindingIndex, pipelineAllowed } from './bindings';
import type { PipelineBinding } from './binding-repo';

const b = (kind: PipelineBinding['kind'], subject: string, pipelineId: string): PipelineBinding => ({ kind, subject, pipelineId, source: 'api', createdAt: 0 });
const key = (over: Partial<Principal> = {}): Principal => ({ method: 'api-key', id: 'key_1', scopes: ['chat'], ...over });

describe('choosing a pipeline for a request', () => {
  const index = new BindingIndex([b('alias', 'smart', 'p-alias'), b('key', 'key_1', 'p-key'), b('project', 'proj', 'p-project'), b('default', '', 'p-default')]);

  it('prefers alias, then key, then the key attribute, then project, then default', () => {
    expect(index.pipelineFor('smart', key())).toEqual({ id: 'p-alias', via: 'alias' });
    expect(index.pipelineFor('gpt-4o', key())).toEqual({ id: 'p-key', via: 'key' });
    expect(index.pipelineFor('gpt-4o', key({ id: 'key_2', attributes: { pipelineId: 'p-attr' }, projectId: 'proj' }))).toEqual({ id: 'p-attr', via: 'key-attribute' });
    expect(index.pipelineFor('gpt-4o', key({ id: 'key_2', projectId: 'proj' }))).toEqual({ id: 'p-project', via: 'project' });
    expect(index.pipelineFor('gpt-4o', key({ id: 'key_2' }))).toEqual({ id: 'p-default', via: 'default' });
    expect(index.pipelineFor('gpt-4o', undefined)).toEqual({ id: 'p-default', via: 'default' });
  });

  it('leaves requests with no binding to the direct route', () => {
    expect(new BindingIndex([b('alias', 'smart', 'p')]).pipelineFor('gpt-4o', key())).toBeUndefined();
  });

  it('checks allowedPipelines by id, name or prefix', () => {
    expect(pipelineAllowed(key(), 'p1')).toBe(true);
    expect(pipelineAllowed(key({ allowedPipelines: ['p1'] }), 'p1')).toBe(true);
    expect(pipelineAllowed(key({ allowedPipelines: ['Smart routing'] }), 'p1', 'Smart routing')).toBe(true);
    expect(pipelineAllowed(key({ allowedPipelines: ['team-*'] }), 'team-a')).toBe(true);
    expect(pipelineAllowed(key({ allowedPipelines: ['team-*'] }), 'other')).toBe(false);
    expect(pipelineAllowed(key({ allowedPipelines: [] }), 'p1')).toBe(false);
  });
});
