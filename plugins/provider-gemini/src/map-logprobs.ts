import type { LogprobsResult, LogprobsResultCandidate } from '@google/genai';

export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes: number[] | null;
  top_logprobs: { token: string; logprob: number; bytes: number[] | null }[];
}

export interface ChoiceLogprobs {
  content: TokenLogprob[];
  refusal: null;
}

/**
 * Gemini's logprobsResult (the chosen token and the top candidates at each step) to OpenAI's
 * choice.logprobs. Returns null when Gemini sent none, as OpenAI does when logprobs are off.
 */
export function mapLogprobs(result: LogprobsResult | undefined): ChoiceLogprobs | null {
  const chosen = result?.chosenCandidates;
  if (!chosen || chosen.length === 0) return null;
  const content = chosen.map((candidate, step) => ({
    ...tokenOf(candidate),
    top_logprobs: (result.topCandidates?.[step]?.candidates ?? []).map(tokenOf),
  }));
  return { content, refusal: null };
}

function tokenOf(candidate: LogprobsResultCandidate) {
  const token = candidate.token ?? '';
  return { token, logprob: candidate.logProbability ?? 0, bytes: Array.from(Buffer.from(token, 'utf8')) };
}
