/**
 * What an upstream request said, read back from each provider's own wire format, so one suite can
 * check that an Anthropic request reached OpenAI, Anthropic, Gemini and Bedrock intact.
 */
export interface UpstreamView {
  system: string;
  maxTokens: number | undefined;
  stop: string[];
  temperature: number | undefined;
  /** One entry per image: 'inline' (bytes in the request) or the URL it refers to. */
  images: string[];
  toolNames: string[];
  /** Tool results in the request: the call they answer (id, or name where ids do not exist) and their text. */
  toolResults: Array<{ ref: string; text: string }>;
  /** Tool calls in assistant turns of the request. */
  toolCalls: Array<{ ref: string; input: unknown }>;
  reasoning: boolean;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const texts = (content: unknown): string => {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p: Json) => (typeof p.text === 'string' ? p.text : '')).join('');
};

export function readOpenAI(body: Json): UpstreamView {
  const messages: Json[] = body.messages ?? [];
  return {
    system: messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => texts(m.content)).join('\n'),
    maxTokens: body.max_completion_tokens ?? body.max_tokens,
    stop: body.stop === undefined ? [] : [body.stop].flat(),
    temperature: body.temperature,
    images: messages.flatMap((m) => (Array.isArray(m.content) ? m.content : [])).filter((p: Json) => p.type === 'image_url').map((p: Json) => (p.image_url.url.startsWith('data:') ? 'inline' : p.image_url.url)),
    toolNames: (body.tools ?? []).map((t: Json) => t.function.name),
    toolResults: messages.filter((m) => m.role === 'tool').map((m) => ({ ref: m.tool_call_id, text: texts(m.content) })),
    toolCalls: messages.flatMap((m) => m.tool_calls ?? []).map((c: Json) => ({ ref: c.id, input: JSON.parse(c.function.arguments) })),
    reasoning: body.reasoning_effort != null,
  };
}

export function readAnthropic(body: Json): UpstreamView {
  const blocks: Json[] = (body.messages ?? []).flatMap((m: Json) => (Array.isArray(m.content) ? m.content : []));
  return {
    system: texts(body.system),
    maxTokens: body.max_tokens,
    stop: body.stop_sequences ?? [],
    temperature: body.temperature,
    images: blocks.filter((b) => b.type === 'image').map((b) => (b.source.type === 'base64' ? 'inline' : b.source.url)),
    toolNames: (body.tools ?? []).map((t: Json) => t.name),
    toolResults: blocks.filter((b) => b.type === 'tool_result').map((b) => ({ ref: b.tool_use_id, text: texts(b.content) })),
    toolCalls: blocks.filter((b) => b.type === 'tool_use').map((b) => ({ ref: b.id, input: b.input })),
    reasoning: body.thinking?.type === 'enabled',
  };
}

export function readGemini(body: Json): UpstreamView {
  const parts: Json[] = (body.contents ?? []).flatMap((c: Json) => c.parts ?? []);
  const config = body.generationConfig ?? {};
  return {
    system: texts(body.systemInstruction?.parts),
    maxTokens: config.maxOutputTokens,
    stop: config.stopSequences ?? [],
    temperature: config.temperature,
    images: parts.filter((p) => p.inlineData || p.fileData).map((p) => (p.inlineData ? 'inline' : p.fileData.fileUri)),
    toolNames: (body.tools ?? []).flatMap((t: Json) => t.functionDeclarations ?? []).map((f: Json) => f.name),
    // Gemini pairs results with calls by name.
    toolResults: parts.filter((p) => p.functionResponse).map((p) => ({ ref: p.functionResponse.name, text: JSON.stringify(p.functionResponse.response) })),
    toolCalls: parts.filter((p) => p.functionCall).map((p) => ({ ref: p.functionCall.name, input: p.functionCall.args })),
    reasoning: config.thinkingConfig?.includeThoughts === true || typeof config.thinkingConfig?.thinkingBudget === 'number',
  };
}

export function readBedrock(body: Json): UpstreamView {
  const blocks: Json[] = (body.messages ?? []).flatMap((m: Json) => m.content ?? []);
  const inference = body.inferenceConfig ?? {};
  return {
    system: (body.system ?? []).map((s: Json) => s.text ?? '').join(''),
    maxTokens: inference.maxTokens,
    stop: inference.stopSequences ?? [],
    temperature: inference.temperature,
    images: blocks.filter((b) => b.image).map(() => 'inline'),
    toolNames: (body.toolConfig?.tools ?? []).map((t: Json) => t.toolSpec?.name),
    toolResults: blocks.filter((b) => b.toolResult).map((b) => ({ ref: b.toolResult.toolUseId, text: texts(b.toolResult.content) })),
    toolCalls: blocks.filter((b) => b.toolUse).map((b) => ({ ref: b.toolUse.toolUseId, input: b.toolUse.input })),
    reasoning: body.additionalModelRequestFields?.thinking?.type === 'enabled' || body.additionalModelRequestFields?.reasoning_config?.type === 'enabled',
  };
}
