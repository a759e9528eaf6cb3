import type { ChatCompletion, ChatCompletionChunk } from '@switchyard/plugin-kit';

/*
 * OpenAI's own answers are already canonical. OpenAI-compatible servers (Ollama, vLLM, DeepSeek,
 * Groq, OpenRouter) sometimes leave out fields OpenAI's schema requires, or name reasoning
 * `reasoning` instead of `reasoning_content`; these functions fill and rename in place, cheaply,
 * and leave every other field as the upstream sent it.
 */

type Loose = Record<string, unknown>;

export function normalizeCompletion(raw: unknown, fallbackModel: string): ChatCompletion {
  const completion = raw as Loose;
  completion.object = 'chat.completion';
  if (typeof completion.id !== 'string') completion.id = `chatcmpl-${Date.now().toString(36)}`;
  if (typeof completion.created !== 'number') completion.created = Math.floor(Date.now() / 1000);
  if (typeof completion.model !== 'string') completion.model = fallbackModel;
  const choices = Array.isArray(completion.choices) ? (completion.choices as Loose[]) : [];
  completion.choices = choices;
  choices.forEach((choice, i) => {
    if (typeof choice.index !== 'number') choice.index = i;
    if (choice.logprobs === undefined) choice.logprobs = null;
    if (choice.finish_reason === undefined || choice.finish_reason === null) choice.finish_reason = 'stop';
    const message = (choice.message ?? {}) as Loose;
    choice.message = message;
    message.role = 'assistant';
    if (message.content === undefined) message.content = null;
    if (message.refusal === undefined) message.refusal = null;
    renameReasoning(message);
  });
  if (completion.usage === null) delete completion.usage;
  return completion as unknown as ChatCompletion;
}

/** Stable values for chunks that lack them, so every chunk of one stream agrees. */
export interface ChunkFallback {
  id: string;
  created: number;
  model: string;
}

export function normalizeChunk(raw: unknown, fallback: ChunkFallback): ChatCompletionChunk {
  fillChunk(raw, fallback);
  return raw as ChatCompletionChunk;
}

/**
 * Normalizes a parsed chunk in place, as `normalizeChunk` does, and says whether anything had to
 * change: when nothing did, the text it was parsed from is already its canonical serialization.
 */
export function fillChunk(raw: unknown, fallback: ChunkFallback): boolean {
  const chunk = raw as Loose;
  let changed = false;
  if (chunk.object !== 'chat.completion.chunk') {
    chunk.object = 'chat.completion.chunk';
    changed = true;
  }
  if (typeof chunk.id !== 'string') {
    chunk.id = fallback.id;
    changed = true;
  }
  if (typeof chunk.created !== 'number') {
    chunk.created = fallback.created;
    changed = true;
  }
  if (typeof chunk.model !== 'string') {
    chunk.model = fallback.model;
    changed = true;
  }
  if (!Array.isArray(chunk.choices)) {
    chunk.choices = [];
    changed = true;
  }
  const choices = chunk.choices as Loose[];
  for (let i = 0; i < choices.length; i++) {
    const choice = choices[i];
    if (typeof choice.index !== 'number') {
      choice.index = i;
      changed = true;
    }
    if (choice.finish_reason === undefined) {
      choice.finish_reason = null;
      changed = true;
    }
    if (choice.delta === undefined || choice.delta === null) {
      choice.delta = {};
      changed = true;
    } else if (renameReasoning(choice.delta as Loose)) changed = true;
  }
  return changed;
}

/** DeepSeek and vLLM send `reasoning_content`; OpenRouter and newer vLLM send `reasoning`. True when it renamed. */
function renameReasoning(message: Loose): boolean {
  if (typeof message.reasoning !== 'string') return false;
  if (message.reasoning_content === undefined || message.reasoning_content === null) message.reasoning_content = message.reasoning;
  delete message.reasoning;
  return true;
}
