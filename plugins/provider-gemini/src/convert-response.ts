import type { Candidate, GenerateContentResponse } from '@google/genai';
import type { ChatCompletion, ChatCompletionChoice, ChatCompletionMessage } from '@switchyard/plugin-kit';
import { mapFinishReason } from './map-finish-reason';
import { mapLogprobs } from './map-logprobs';
import { mapUsage } from './map-usage';
import { readParts } from './read-parts';
import { makeToolCallId } from './tool-call-id';

export interface ResponseContext {
  /** The model the caller asked for; used when Gemini does not name its modelVersion. */
  model: string;
  /** How many choices were asked for (n): a blocked prompt answers each with content_filter. */
  choices: number;
  /** Fallback completion id when Gemini sent no responseId. */
  fallbackId: string;
  created?: number;
}

/** A Gemini generateContent response as an OpenAI chat completion. */
export function toChatCompletion(response: GenerateContentResponse, ctx: ResponseContext): ChatCompletion {
  const responseId = response.responseId ?? ctx.fallbackId;
  const candidates = response.candidates ?? [];
  const choices: ChatCompletionChoice[] =
    candidates.length > 0
      ? candidates.map((candidate, position) => toChoice(candidate, candidate.index ?? position, responseId)).sort((a, b) => a.index - b.index)
      : emptyChoices(ctx.choices, response.promptFeedback?.blockReason !== undefined);
  const completion: ChatCompletion = {
    id: `chatcmpl-${responseId}`,
    object: 'chat.completion',
    created: ctx.created ?? Math.floor(Date.now() / 1000),
    model: response.modelVersion ?? ctx.model,
    choices,
  };
  if (response.usageMetadata) completion.usage = mapUsage(response.usageMetadata);
  return completion;
}

function toChoice(candidate: Candidate, index: number, responseId: string): ChatCompletionChoice {
  const { text, reasoning, calls } = readParts(candidate.content?.parts);
  const message: ChatCompletionMessage = { role: 'assistant', content: text === '' ? null : text, refusal: null };
  if (reasoning !== '') message.reasoning_content = reasoning;
  if (calls.length > 0) {
    message.tool_calls = calls.map((call, i) => ({
      id: makeToolCallId({ responseId, candidate: index, call: i, name: call.name, upstreamId: call.upstreamId }, call.thoughtSignature),
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return { index, message, finish_reason: mapFinishReason(candidate.finishReason, calls.length > 0), logprobs: mapLogprobs(candidate.logprobsResult) };
}

/**
 * No candidates: the prompt itself was blocked (promptFeedback.blockReason), which OpenAI
 * expresses as content_filter on every choice; without a block reason the turn simply ended
 * with nothing said.
 */
function emptyChoices(count: number, blocked: boolean): ChatCompletionChoice[] {
  return Array.from({ length: Math.max(1, count) }, (_, index) => ({
    index,
    message: { role: 'assistant', content: null, refusal: null },
    finish_reason: blocked ? 'content_filter' : 'stop',
    logprobs: null,
  }));
}
