import { ApiError } from './client';
import { csrfHeader } from './csrf';

export interface StreamStats {
  text: string;
  reasoning: string;
  toolCalls: Array<{ name: string; arguments: string }>;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  ttftMs?: number;
  latencyMs?: number;
  finishReason?: string | null;
  error?: string;
}

/** Streams a chat completion from /v1 (session auth), calling `onUpdate` as chunks arrive. */
export async function streamChat(body: object, onUpdate: (s: StreamStats) => void, signal?: AbortSignal): Promise<StreamStats> {
  const t0 = performance.now();
  const stats: StreamStats = { text: '', reasoning: '', toolCalls: [] };
  const res = await fetch('/v1/chat/completions', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', ...csrfHeader() },
    body: JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } }),
    signal,
  });
  if (!res.ok || !res.body) {
    const err = (await res.json().catch(() => ({}))) as { error?: { message?: string; code?: string } };
    throw new ApiError(res.status, err.error?.message ?? res.statusText, err.error?.code ?? null);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let idx;
    while ((idx = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, idx);
      buffer = buffer.slice(idx + 2);
      const data = event
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('\n');
      if (!data || data === '[DONE]') continue;
      const chunk = JSON.parse(data);
      if (chunk.error) {
        stats.error = chunk.error.message;
        continue;
      }
      stats.ttftMs ??= performance.now() - t0;
      if (chunk.usage) stats.usage = chunk.usage;
      const choice = chunk.choices?.[0];
      if (choice?.delta?.content) stats.text += choice.delta.content;
      if (choice?.delta?.reasoning_content) stats.reasoning += choice.delta.reasoning_content;
      for (const t of choice?.delta?.tool_calls ?? []) {
        stats.toolCalls[t.index] ??= { name: '', arguments: '' };
        if (t.function?.name) stats.toolCalls[t.index].name += t.function.name;
        if (t.function?.arguments) stats.toolCalls[t.index].arguments += t.function.arguments;
      }
      if (choice?.finish_reason) stats.finishReason = choice.finish_reason;
      onUpdate({ ...stats, toolCalls: [...stats.toolCalls] });
    }
  }
  stats.latencyMs = performance.now() - t0;
  onUpdate({ ...stats });
  return stats;
}
