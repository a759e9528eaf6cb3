import { describe, expect, it } from 'vitest';
import type { AttemptRecord, RequestSummary } from '../dispatch/hooks';
import { estimateTokens, toUsageEvent } from './usage-event';

const attempt = (over: Partial<AttemptRecord> = {}): AttemptRecord => ({
  providerId: 'openai', modelId: 'gpt-4o', upstreamModel: 'gpt-4o-2024', credentialId: 'cred_1', status: 200, latencyMs: 80, ...over,
});

const summary = (over: Partial<RequestSummary> = {}): RequestSummary => ({
  requestId: 'req_1',
  principal: { method: 'api-key', id: 'key_1', userId: 'user_1', projectId: 'proj_1', scopes: ['chat'] },
  endpoint: 'chat',
  stream: false,
  requestedModel: 'fast',
  startedAt: 1_700_000_000_000,
  latencyMs: 100,
  status: 200,
  attempts: [],
  cacheHit: false,
  ...over,
});

describe('toUsageEvent', () => {
  it('has no event for a request refused before any attempt', () => {
    expect(toUsageEvent(summary({ status: 402, errorType: 'insufficient_quota' }))).toBeUndefined();
  });

  it('records who, what and how it went, with the answering attempt as the target', () => {
    const failed = attempt({ providerId: 'anthropic', modelId: 'claude', status: 529, errorType: 'overloaded_error', latencyMs: 30 });
    const ok = attempt({ usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 2 } } });
    const e = toUsageEvent(summary({ attempts: [failed, ok], final: ok, pipeline: { id: 'pl_main', version: 3 }, ttftMs: 90 }))!;
    expect(e).toMatchObject({
      ts: 1_700_000_000_000, requestId: 'req_1', authMethod: 'api-key', keyId: 'key_1', userId: 'user_1', projectId: 'proj_1',
      pipelineId: 'pl_main', pipelineVersion: 3, requestedModel: 'fast', providerId: 'openai', modelId: 'gpt-4o', credentialId: 'cred_1',
      attempts: 2, status: 200, promptTokens: 10, completionTokens: 5, cachedTokens: 4, reasoningTokens: 2, tokensEstimated: false,
      costMicros: null, creditsMicros: null, latencyMs: 100, ttftMs: 90, upstreamMs: 110, cacheHit: false,
    });
  });

  it('shows the last attempt when none answered', () => {
    const e = toUsageEvent(summary({ status: 502, errorType: 'upstream_error', attempts: [attempt({ status: 502, errorType: 'upstream_error' })] }))!;
    expect(e).toMatchObject({ providerId: 'openai', status: 502, errorType: 'upstream_error', attempts: 1 });
  });

  it('sums what billing set on the attempts, and lets a request-level figure win', () => {
    const a1 = attempt({ status: 500, costMicros: 0, creditsMicros: 0 });
    const a2 = attempt({ costMicros: 1200, creditsMicros: 1500 });
    expect(toUsageEvent(summary({ attempts: [a1, a2], final: a2 }))).toMatchObject({ costMicros: 1200, creditsMicros: 1500 });
    expect(toUsageEvent(summary({ attempts: [a2], final: a2, costMicros: 7, creditsMicros: 9 }))).toMatchObject({ costMicros: 7, creditsMicros: 9 });
  });

  it("counts a cut stream's tokens: billing's count when it made one, else an estimate, flagged either way", () => {
    const cut = attempt({ status: 499, cut: true, deliveredText: 'one two three four five six seven eight' });
    const estimated = toUsageEvent(summary({ stream: true, status: 499, attempts: [cut] }))!;
    expect(estimated).toMatchObject({ tokensEstimated: true, completionTokens: estimateTokens(cut.deliveredText!), promptTokens: 0 });

    const billed = Object.assign(attempt({ status: 499, cut: true, deliveredText: 'x' }), { billing: { usage: { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 } } });
    expect(toUsageEvent(summary({ stream: true, status: 499, attempts: [billed] }))).toMatchObject({ tokensEstimated: true, promptTokens: 12, completionTokens: 8 });
  });

  it('records a cache hit without attempts under the model asked for', () => {
    const e = toUsageEvent(summary({ cacheHit: true }))!;
    expect(e).toMatchObject({ cacheHit: true, attempts: 0, providerId: null, modelId: 'fast', promptTokens: 0 });
  });

  it('estimates about four ASCII characters per token and one per other character', () => {
    expect(estimateTokens('abcdefgh')).toBe(2);
    expect(estimateTokens('日本語')).toBe(3);
    expect(estimateTokens('')).toBe(0);
  });
});
