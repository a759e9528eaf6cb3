import type { Db } from '../../db/connect';
import type { UsageEvent } from '../usage-event';
import { FILTERS, type EventsQuery, type FilterName } from './params';

/** A stored usage event as the API shows it: the recorded event, with its row id and time. */
export type UsageEventView = Omit<UsageEvent, 'ts' | 'endpoint'> & { id: number; time: number; endpoint: string };

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
// SQLite gives 0/1, PostgreSQL true/false.
const flag = (v: unknown) => v === true || v === 1 || v === '1';

export function toView(r: Record<string, unknown>): UsageEventView {
  return {
    id: Number(r.id),
    time: Number(r.ts),
    requestId: String(r.request_id),
    endpoint: String(r.endpoint),
    authMethod: str(r.auth_method),
    keyId: str(r.key_id),
    userId: str(r.user_id),
    projectId: str(r.project_id),
    pipelineId: str(r.pipeline_id),
    pipelineVersion: num(r.pipeline_version),
    requestedModel: String(r.requested_model),
    providerId: str(r.provider_id),
    modelId: str(r.model_id),
    upstreamModel: str(r.upstream_model),
    credentialId: str(r.credential_id),
    attempts: Number(r.attempts),
    status: Number(r.status),
    errorType: str(r.error_type),
    errorCode: str(r.error_code),
    promptTokens: Number(r.prompt_tokens),
    completionTokens: Number(r.completion_tokens),
    cachedTokens: Number(r.cached_tokens),
    reasoningTokens: Number(r.reasoning_tokens),
    images: Number(r.images),
    tokensEstimated: flag(r.tokens_estimated),
    costMicros: num(r.cost_micros),
    creditsMicros: num(r.credits_micros),
    latencyMs: Number(r.latency_ms),
    ttftMs: num(r.ttft_ms),
    upstreamMs: Number(r.upstream_ms),
    stream: flag(r.stream),
    cacheHit: flag(r.cache_hit),
  };
}

/** One page of raw events, newest first, with a keyset cursor for the next page. */
export async function listEvents(db: Db, q: EventsQuery): Promise<{ data: UsageEventView[]; nextCursor: string | null }> {
  const qb = db('usage_events').where('ts', '>=', q.from).andWhere('ts', '<', q.to);
  for (const [name, values] of Object.entries(q.filters) as Array<[FilterName, string[]]>) qb.whereIn(FILTERS[name], values);
  if (q.status === 'ok') qb.andWhere('status', '<', 400);
  if (q.status === 'error') qb.andWhere('status', '>=', 400);
  if (q.before) {
    const { ts, id } = q.before;
    qb.andWhere((w) => w.where('ts', '<', ts).orWhere((w2) => w2.where('ts', '=', ts).andWhere('id', '<', id)));
  }
  const rows = await qb.orderBy([{ column: 'ts', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(q.limit + 1);
  const page = rows.slice(0, q.limit).map(toView);
  const last = page[page.length - 1];
  return { data: page, nextCursor: rows.length > q.limit && last ? `${last.time}:${last.id}` : null };
}
