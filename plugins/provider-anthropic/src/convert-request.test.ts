import { describe, expect, it } from 'vitest';
import type { ChatCompletionRequest } from '@switchyard/plugin-kit';
import { convertRequest } from './convert-request';
import { gatewayFailure } from '../test/gateway-error';

const defaults = { defaultMaxTokens: 4096 };
const base = (extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({ model: 'alias', messages: [{ role: 'user', content: 'Hi' }], ...extra });

describe('convertRequest', () => {
  it('builds the minimal Messages request with the upstream model and the default max_tokens', () => {
    expect(convertRequest(base(), 'claude-haiku-4-5', defaults)).toEqual({
      params: { model: 'claude-haiku-4-5', max_tokens: 4096, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] },
      context: {},
    });
  });

  it('maps stop, temperature, top_p, max tokens and user', () => {
    const { params } = convertRequest(base({ stop: 'END', temperature: 0.4, top_p: 0.9, max_completion_tokens: 321, user: 'user-42' }), 'm', defaults);
    expect(params).toMatchObject({ stop_sequences: ['END'], temperature: 0.4, top_p: 0.9, max_tokens: 321, metadata: { user_id: 'user-42' } });
    expect(convertRequest(base({ stop: ['a', 'b'] }), 'm', defaults).params.stop_sequences).toEqual(['a', 'b']);
    expect(convertRequest(base({ stop: [] }), 'm', defaults).params.stop_sequences).toBeUndefined();
  });

  it("caps temperature at Anthropic's maximum of 1", () => {
    expect(convertRequest(base({ temperature: 1.7 }), 'm', defaults).params.temperature).toBe(1);
  });

  it('turns reasoning_effort into thinking and leaves out sampling knobs thinking forbids', () => {
    const { params } = convertRequest(base({ reasoning_effort: 'medium', temperature: 0.2, top_p: 0.5 }), 'm', defaults);
    expect(params.thinking).toEqual({ type: 'enabled', budget_tokens: 8192 });
    expect(params.max_tokens).toBe(4096 + 8192);
    expect(params.temperature).toBeUndefined();
    expect(params.top_p).toBeUndefined();
  });

  it('sends tools with tool_choice and parallel_tool_calls', () => {
    const { params } = convertRequest(
      base({ tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }], tool_choice: 'required', parallel_tool_calls: false }),
      'm',
      defaults,
    );
    expect(params.tools).toEqual([{ name: 'f', input_schema: { type: 'object', properties: {} } }]);
    expect(params.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
  });

  it('asks for JSON output through a forced tool and tells the response side its name', () => {
    const { params, context } = convertRequest(base({ response_format: { type: 'json_object' } }), 'm', defaults);
    expect(context).toEqual({ jsonToolName: 'json' });
    expect(params.tool_choice).toEqual({ type: 'tool', name: 'json', disable_parallel_tool_use: true });
  });

  it('refuses n > 1 with a 400 on param n, before anything else', async () => {
    const error = await gatewayFailure(() => convertRequest(base({ n: 2 }), 'm', defaults));
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'n', retryable: false });
    expect(convertRequest(base({ n: 1 }), 'm', defaults).params.model).toBe('m');
  });

  it('refuses a malformed stop', async () => {
    expect((await gatewayFailure(() => convertRequest(base({ stop: [1 as never] }), 'm', defaults))).param).toBe('stop');
  });
});
