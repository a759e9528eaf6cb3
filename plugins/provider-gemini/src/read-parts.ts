import type { Part } from '@google/genai';

export interface FunctionCallPart {
  name: string;
  /** JSON text of the arguments, as OpenAI carries them. */
  arguments: string;
  /** Gemini's own call id, when it sent one (the Gemini API usually does not). */
  upstreamId?: string;
  thoughtSignature?: string;
}

export interface ReadParts {
  text: string;
  reasoning: string;
  calls: FunctionCallPart[];
}

/**
 * Sorts a candidate's parts into answer text, thought text (`thought: true` parts carry
 * thought summaries) and function calls. Other parts (inline images, executable code) have no
 * OpenAI chat equivalent and are skipped; empty text parts that only carry a thought signature
 * add nothing.
 */
export function readParts(parts: Part[] | undefined): ReadParts {
  const out: ReadParts = { text: '', reasoning: '', calls: [] };
  for (const part of parts ?? []) {
    if (part.functionCall) {
      out.calls.push({
        name: part.functionCall.name ?? '',
        arguments: JSON.stringify(part.functionCall.args ?? {}),
        ...(part.functionCall.id ? { upstreamId: part.functionCall.id } : {}),
        ...(part.thoughtSignature ? { thoughtSignature: part.thoughtSignature } : {}),
      });
    } else if (typeof part.text === 'string') {
      if (part.thought) out.reasoning += part.text;
      else out.text += part.text;
    }
  }
  return out;
}
