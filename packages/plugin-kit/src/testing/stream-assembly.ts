import type { ChatCompletionChunk, FinishReason, Usage } from '@switchyard/spec';

export interface AssembledToolCall {
  id?: string;
  type?: string;
  name: string;
  arguments: string;
  /** How many deltas carried a piece of the arguments. */
  argumentDeltas: number;
}

export interface AssembledChoice {
  text: string;
  reasoning: string;
  /** How many chunks carried a piece of the text. */
  textDeltas: number;
  toolCalls: AssembledToolCall[];
  finishReason: FinishReason | null;
}

export interface AssembledStream {
  choices: AssembledChoice[];
  /** The usage the stream reported (the last non-null one), if any. */
  usage?: Usage;
  /** Index of the chunk that carried usage, to check that it came last. */
  usageChunkIndex: number;
}

/** Puts a canonical chunk stream back together the way an OpenAI client does. */
export function assembleStream(chunks: ChatCompletionChunk[]): AssembledStream {
  const result: AssembledStream = { choices: [], usageChunkIndex: -1 };
  chunks.forEach((chunk, chunkIndex) => {
    if (chunk.usage) {
      result.usage = chunk.usage;
      result.usageChunkIndex = chunkIndex;
    }
    for (const choice of chunk.choices) {
      const slot = (result.choices[choice.index] ??= { text: '', reasoning: '', textDeltas: 0, toolCalls: [], finishReason: null });
      const delta = choice.delta ?? {};
      if (typeof delta.content === 'string' && delta.content.length > 0) {
        slot.text += delta.content;
        slot.textDeltas++;
      }
      if (typeof delta.reasoning_content === 'string') slot.reasoning += delta.reasoning_content;
      for (const call of delta.tool_calls ?? []) {
        const target = (slot.toolCalls[call.index] ??= { name: '', arguments: '', argumentDeltas: 0 });
        if (call.id) target.id = call.id;
        if (call.type) target.type = call.type;
        if (call.function?.name) target.name += call.function.name;
        if (call.function?.arguments) {
          target.arguments += call.function.arguments;
          target.argumentDeltas++;
        }
      }
      if (choice.finish_reason) slot.finishReason = choice.finish_reason;
    }
  });
  return result;
}
