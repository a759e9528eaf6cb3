import { describe, expect, it } from 'vitest';
import type { PipelineInput } from '@switchyard/spec';
import { RequestScope } from './scope';
import { compileTemplate, renderTemplate, templateError } from './template';

const input: PipelineInput = {
  kind: 'chat',
  body: { model: 'm', messages: [], metadata: { topic: 'tides' } },
  stream: false,
  requestId: 'r',
  user: { name: 'Ada' },
  headers: { authorization: 'Bearer sk-abcdefghijkl' },
};

const scope = (vars?: Record<string, unknown>) => new RequestScope(input, input.body, 'chat', false, Date.UTC(2024, 0, 2), undefined, vars);

describe('templates', () => {
  it('fills paths, bare names (variables, then metadata) and leaves missing values empty', () => {
    const t = compileTemplate('Hi {{ user.name }}, about {{topic}} in a {{tone}} tone on {{time.date}}.{{metadata.none}}');
    expect(renderTemplate(t, scope({ tone: 'calm' }))).toBe('Hi Ada, about tides in a calm tone on 2024-01-02.');
    expect(renderTemplate(t, scope({ topic: 'waves' }))).toBe('Hi Ada, about waves in a  tone on 2024-01-02.');
  });

  it('keeps constant text as is', () => {
    const t = compileTemplate('no placeholders');
    expect(t.constant).toBe(true);
    expect(renderTemplate(t, scope())).toBe('no placeholders');
    expect(renderTemplate(compileTemplate(''), scope())).toBe('');
  });

  it('does not render credentials', () => {
    expect(renderTemplate(compileTemplate('[{{headers.authorization}}]'), scope())).toBe('[]');
  });

  it('reports syntax errors', () => {
    expect(templateError('Hi {{user.name')).toContain('never closed');
    expect(templateError('Hi {{}}')).toContain('empty placeholder');
    expect(templateError('{{ user..name }}')).toContain('placeholder');
    expect(templateError('ok {{x}}')).toBeUndefined();
  });
});
