import { describe, expect, it } from 'vitest';
import { mapLogprobs } from './map-logprobs';

describe('mapLogprobs', () => {
  it('pairs each chosen token with the top candidates of its step', () => {
    const out = mapLogprobs({
      chosenCandidates: [
        { token: 'Hi', logProbability: -0.1 },
        { token: '!', logProbability: -0.5 },
      ],
      topCandidates: [{ candidates: [{ token: 'Hi', logProbability: -0.1 }, { token: 'Hello', logProbability: -2.3 }] }, { candidates: [{ token: '!', logProbability: -0.5 }] }],
    });
    expect(out).toEqual({
      content: [
        {
          token: 'Hi',
          logprob: -0.1,
          bytes: [72, 105],
          top_logprobs: [
            { token: 'Hi', logprob: -0.1, bytes: [72, 105] },
            { token: 'Hello', logprob: -2.3, bytes: [72, 101, 108, 108, 111] },
          ],
        },
        { token: '!', logprob: -0.5, bytes: [33], top_logprobs: [{ token: '!', logprob: -0.5, bytes: [33] }] },
      ],
      refusal: null,
    });
  });

  it('is null when Gemini sent none', () => {
    expect(mapLogprobs(undefined)).toBeNull();
    expect(mapLogprobs({ chosenCandidates: [] })).toBeNull();
  });
});
