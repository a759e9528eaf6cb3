import type { Db } from '../db/connect';
import { fromDbRow, GRAINS, ROLLUP_KEY, ROLLUP_TABLE, toDbRow, type Grain, type RollupRow } from './rollup-row';
import type { RollupState } from './rollup-state';
import type { UsageEvent } from './usage-event';

/** Rows per INSERT statement: well inside SQLite's 32766 bound variables at ~30 columns. */
const ROWS_PER_STATEMENT = 500;

export function toEventRow(e: UsageEvent): Record<string, unknown> {
  return {
    ts: e.ts,
    request_id: e.requestId,
    endpoint: e.endpoint,
    auth_method: e.authMethod,
    key_id: e.keyId,
    user_id: e.userId,
    project_id: e.projectId,
    pipeline_id: e.pipelineId,
    pipeline_version: e.pipelineVersion,
    requested_model: e.requestedModel,
    provider_id: e.providerId,
    model_id: e.modelId,
    upstream_model: e.upstreamModel,
    credential_id: e.credentialId,
    attempts: e.attempts,
    status: e.status,
    error_type: e.errorType,
    error_code: e.errorCode,
    prompt_tokens: e.promptTokens,
    completion_tokens: e.completionTokens,
    cached_tokens: e.cachedTokens,
    reasoning_tokens: e.reasoningTokens,
    images: e.images,
    tokens_estimated: e.tokensEstimated,
    cost_micros: e.costMicros,
    credits_micros: e.creditsMicros,
    latency_ms: e.latencyMs,
    ttft_ms: e.ttftMs,
    upstream_ms: e.upstreamMs,
    stream: e.stream,
    cache_hit: e.cacheHit,
  };
}

/**
 * Stores a batch: its raw events and the rollup rows they change, in one transaction, with
 * multi-row statements. Callers serialise writes (one batch at a time per instance).
 */
export class UsageWriter {
  constructor(
    private readonly db: Db,
    readonly rollups: RollupState,
  ) {}

  async write(events: UsageEvent[]): Promise<void> {
    if (events.length === 0) return;
    const prepared = await this.rollups.prepare(events, (g, b) => this.loadBucket(g, b));
    await this.db.transaction(async (trx) => {
      for (let i = 0; i < events.length; i += ROWS_PER_STATEMENT) {
        await trx('usage_events').insert(events.slice(i, i + ROWS_PER_STATEMENT).map(toEventRow));
      }
      for (const g of GRAINS) {
        const rows = [...prepared[g].values()];
        for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
          await trx(ROLLUP_TABLE[g])
            .insert(rows.slice(i, i + ROWS_PER_STATEMENT).map(toDbRow))
            .onConflict([...ROLLUP_KEY])
            .merge();
        }
      }
    });
    this.rollups.commit(prepared);
  }

  private async loadBucket(grain: Grain, bucket: number): Promise<RollupRow[]> {
    const rows = await this.db(ROLLUP_TABLE[grain]).where({ bucket, instance_id: this.rollups.instanceId });
    return rows.map(fromDbRow);
  }
}
