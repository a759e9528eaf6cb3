import type { ChatCompletionRequest, ChatMessage, FunctionTool, ToolCall } from '@switchyard/plugin-kit';
import type { MockSettings } from './settings';

export interface MockReply {
  text: string | null;
  toolCalls: ToolCall[];
}

function textOf(message: ChatMessage | undefined): string {
  if (!message) return '';
  const c = message.content;
  if (typeof c === 'string') return c;
  if (!Array.isArray(c)) return '';
  return c.map((p) => (p.type === 'text' ? p.text : p.type === 'image_url' ? '[image]' : '')).join(' ').trim();
}

/** A value that satisfies a (simple) JSON Schema, so mock tool calls have plausible arguments. */
function sampleFor(schema: Record<string, unknown> | undefined, key: string): unknown {
  const type = Array.isArray(schema?.type) ? schema!.type[0] : schema?.type;
  if (Array.isArray(schema?.enum)) return schema!.enum[0];
  switch (type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return sampleObject(schema);
    default:
      return `sample ${key}`;
  }
}

function sampleObject(schema: Record<string, unknown> | undefined): Record<string, unknown> {
  const props = (schema?.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = Array.isArray(schema?.required) ? (schema!.required as string[]) : Object.keys(props);
  return Object.fromEntries(required.map((k) => [k, sampleFor(props[k], k)]));
}

function chosenTools(request: ChatCompletionRequest): FunctionTool[] {
  const tools = request.tools ?? [];
  const choice = request.tool_choice;
  if (!tools.length || choice === 'none') return [];
  if (typeof choice === 'object') return tools.filter((t) => t.function.name === choice.function.name);
  // Calls every tool at once when parallel calls are allowed, so demos show parallel tool use.
  return request.parallel_tool_calls === false ? tools.slice(0, 1) : tools;
}

/**
 * What the mock says. With tools and a user turn last, it calls the tools; after tool results
 * it reports them; otherwise it echoes the last user message or answers the canned text.
 */
export function decideReply(request: ChatCompletionRequest, settings: MockSettings, requestId: string): MockReply {
  const last = request.messages[request.messages.length - 1];
  const tools = last?.role === 'user' ? chosenTools(request) : [];
  if (tools.length > 0) {
    return {
      text: null,
      toolCalls: tools.map((t, i) => ({
        id: `call_mock_${requestId.slice(-8)}_${i}`,
        type: 'function',
        function: { name: t.function.name, arguments: JSON.stringify(sampleObject(t.function.parameters)) },
      })),
    };
  }
  if (last?.role === 'tool') {
    const results = request.messages.filter((m) => m.role === 'tool').map((m) => textOf(m));
    return { text: `Tool results received: ${results.join('; ')}`, toolCalls: [] };
  }
  if (settings.mode === 'canned') return { text: settings.cannedText, toolCalls: [] };
  const lastUser = [...request.messages].reverse().find((m) => m.role === 'user');
  return { text: textOf(lastUser) || settings.cannedText, toolCalls: [] };
}

export function promptText(request: ChatCompletionRequest): string {
  return request.messages.map((m) => textOf(m)).join('\n');
}
