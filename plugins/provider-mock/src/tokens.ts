/**
 * A deterministic stand-in for a tokenizer: words and punctuation marks count one token each.
 * Good enough for a mock whose usage numbers must be stable and plausible, not exact.
 */
export function countTokens(text: string): number {
  return text.match(/[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu)?.length ?? 0;
}

/** Splits text into the pieces a stream delivers: each word with the whitespace before it. */
export function streamPieces(text: string): string[] {
  return text.match(/\s*\S+/g) ?? (text ? [text] : []);
}
