import type { GenerateContentResponse, GenerateContentResponseUsageMetadata } from '@google/genai';
import type { ChatCompletionChunk, ChatCompletionChunkChoice, ChatCompletionChunkDelta } from '@switchyard/plugin-kit';
import { mapFinishReason } from './map-finish-reason';
import { mapLogprobs } from './map-logprobs';
import { mapUsage } from './map-usage';
import { readParts } from './read-parts';
import { makeToolCallId } from './tool-call-id';
import type { ResponseContext } from './convert-response';

interface ChoiceState {
  started: boolean;
  finished: boolean;
  toolCalls: number;
}

/**
 * Translates Gemini's stream (each event a whole GenerateContentResponse holding the next
 * slice of every candidate) into OpenAI chunks, one choice per chunk:
 * - text and thought parts become `content` / `reasoning_content` deltas;
 * - function calls arrive whole, so each becomes one complete tool_call delta;
 * - a candidate's finishReason becomes that choice's finish chunk;
 * - usageMetadata (repeated, cumulative, on every event) is held back and sent once, last, in a
 *   chunk with `choices: []`.
 */
export async function* translateStream(events: AsyncIterable<GenerateContentResponse>, ctx: ResponseContext): AsyncGenerator<ChatCompletionChunk> {
  const states = new Map<number, ChoiceState>();
  const created = ctx.created ?? Math.floor(Date.now() / 1000);
  let responseId: string | undefined;
  let model = ctx.model;
  let usage: GenerateContentResponseUsageMetadata | undefined;
  let blocked = false;

  const chunk = (choices: ChatCompletionChunkChoice[]): ChatCompletionChunk => ({
    id: `chatcmpl-${responseId ?? ctx.fallbackId}`,
    object: 'chat.completion.chunk',
    created,
    model,
    choices,
  });
  const stateOf = (index: number): ChoiceState => {
    let state = states.get(index);
    if (!state) states.set(index, (state = { started: false, finished: false, toolCalls: 0 }));
    return state;
  };
  const open = (state: ChoiceState, delta: ChatCompletionChunkDelta): ChatCompletionChunkDelta => {
    if (state.started) return delta;
    state.started = true;
    return { role: 'assistant', ...delta };
  };

  for await (const event of events) {
    responseId ??= event.responseId;
    if (event.modelVersion) model = event.modelVersion;
    if (event.usageMetadata) usage = event.usageMetadata;
    if (event.promptFeedback?.blockReason && (event.candidates ?? []).length === 0) blocked = true;

    for (const [position, candidate] of (event.candidates ?? []).entries()) {
      const index = candidate.index ?? position;
      const state = stateOf(index);
      if (state.finished) continue;
      const { text, reasoning, calls } = readParts(candidate.content?.parts);
      const logprobs = mapLogprobs(candidate.logprobsResult);

      if (reasoning !== '') yield chunk([{ index, delta: open(state, { reasoning_content: reasoning }), finish_reason: null }]);
      if (text !== '') {
        const choice: ChatCompletionChunkChoice = { index, delta: open(state, { content: text }), finish_reason: null };
        if (logprobs) choice.logprobs = logprobs;
        yield chunk([choice]);
      }
      for (const call of calls) {
        const callIndex = state.toolCalls++;
        const id = makeToolCallId({ responseId: responseId ?? ctx.fallbackId, candidate: index, call: callIndex, name: call.name, upstreamId: call.upstreamId }, call.thoughtSignature);
        const delta = open(state, { tool_calls: [{ index: callIndex, id, type: 'function', function: { name: call.name, arguments: call.arguments } }] });
        yield chunk([{ index, delta, finish_reason: null }]);
      }
      if (candidate.finishReason) {
        state.finished = true;
        yield chunk([{ index, delta: open(state, {}), finish_reason: mapFinishReason(candidate.finishReason, state.toolCalls > 0) }]);
      }
    }
  }

  if (states.size === 0) {
    // No candidate at all: a blocked prompt ends every requested choice filtered; otherwise the
    // turn ended with nothing said.
    for (let index = 0; index < Math.max(1, ctx.choices); index++) {
      yield chunk([{ index, delta: { role: 'assistant' }, finish_reason: blocked ? 'content_filter' : 'stop' }]);
    }
  }
  // A stream that ended cleanly but left a choice without a finishReason still ends that choice.
  for (const [index, state] of states) {
    if (!state.finished) yield chunk([{ index, delta: open(state, {}), finish_reason: mapFinishReason(undefined, state.toolCalls > 0) }]);
  }
  if (usage) yield { ...chunk([]), usage: mapUsage(usage) };
}
