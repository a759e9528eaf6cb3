import type { Db } from '../db/connect';
import { fromDbRow, keyColumns, rowColumns, rowValues, type Grain, type RollupFamily, type RollupRow } from './rollup-row';
import type { RollupState } from './rollup-state';
import type { SqlValue } from '../db/sql-insert';
import { WriteBatch } from '../db/write-batch';
import type { UsageEvent } from './usage-event';

/** Rows per INSERT statement: well inside SQLite's 32766 bound variables at ~30 columns. */
const ROWS_PER_STATEMENT = 500;

const EVENT_COLUMNS = [
  'ts', 'request_id', 'endpoint', 'auth_method', 'key_id', 'user_id', 'project_id', 'pipeline_id', 'pipeline_version', 'requested_model',
  'provider_id', 'model_id', 'upstream_model', 'credential_id', 'attempts', 'status', 'error_type', 'error_code', 'prompt_tokens',
  'completion_tokens', 'cached_tokens', 'reasoning_tokens', 'images', 'tokens_estimated', 'cost_micros', 'credits_micros', 'latency_ms',
  'ttft_ms', 'upstream_ms', 'stream', 'cache_hit',
];

export function toEventRow(e: UsageEvent): Record<string, SqlValue> {
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
    const prepared = await this.rollups.prepare(events, (f, g, b) => this.loadBucket(f, g, b));
    const rawRows = events.map((e) => {
      const r = toEventRow(e);
      return EVENT_COLUMNS.map((c) => r[c]);
    });
    const rollupRows = prepared.flat().filter((m) => m.size > 0).map((m) => [...m.values()]);
    // One batch: on SQLite one script, one trip to the database's worker thread (see WriteBatch).
    const writes = new WriteBatch().insertValues('usage_events', EVENT_COLUMNS, rawRows, { chunk: ROWS_PER_STATEMENT });
    for (const rows of rollupRows) {
      const family = rows[0].family;
      writes.insertValues(family.table[rows[0].grain], rowColumns(family), rows.map(rowValues), { chunk: ROWS_PER_STATEMENT, upsertKey: keyColumns(family) });
    }
    await this.db.transaction((trx) => writes.run(trx));
    this.rollups.commit(prepared);
  }

  private async loadBucket(family: RollupFamily, grain: Grain, bucket: number): Promise<RollupRow[]> {
    const rows = await this.db(family.table[grain]).where({ bucket, instance_id: this.rollups.instanceId });
    return rows.map((r) => fromDbRow(family, grain, r));
  }
}
