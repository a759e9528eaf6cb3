import { createHash } from 'node:crypto';

/**
 * Tool call ids. Gemini's function calls carry no id (the caller matches results by name and
 * order), but OpenAI clients need one to pair each tool result with its call. The id is derived
 * from the response id, the candidate and the call's position, so the same call always gets the
 * same id (in every chunk of a stream, and on a replay of the same response).
 *
 * Thinking models (Gemini 3) also attach a `thoughtSignature` to a function call and reject the
 * next turn unless it comes back on that call. OpenAI's shape has no field for it, so it rides in
 * the id after a separator and is unpacked when the conversation returns.
 */

const SIGNATURE_SEPARATOR = '__thought__';

/**
 * Google's documented stand-in for a missing signature: used for calls that did not come from
 * Gemini (another provider in a fallback, or a client-made history), which Gemini 3 would
 * otherwise refuse.
 */
export const SKIP_SIGNATURE = 'skip_thought_signature_validator';

export function makeToolCallId(seed: { responseId: string; candidate: number; call: number; name: string; upstreamId?: string }, signature?: string): string {
  const base = seed.upstreamId
    ? seed.upstreamId
    : `call_${createHash('sha256').update(`${seed.responseId}\u0000${seed.candidate}\u0000${seed.call}\u0000${seed.name}`).digest('base64url').slice(0, 24)}`;
  return signature ? `${base}${SIGNATURE_SEPARATOR}${signature}` : base;
}

/** The thought signature carried in a tool call id, if it carries one. */
export function signatureOf(id: string): string | undefined {
  const at = id.indexOf(SIGNATURE_SEPARATOR);
  if (at < 0) return undefined;
  const signature = id.slice(at + SIGNATURE_SEPARATOR.length);
  return signature === '' ? undefined : signature;
}
