import type { UsageEvent } from '../usage/usage-event';

/** One finished request as the live feed shows it: ids and figures, never prompts or secrets. */
export interface LiveRequest {
  id: string;
  /** When the request arrived (epoch ms). */
  time: number;
  instance: string;
  endpoint: string;
  model: string | null;
  provider: string | null;
  pipeline: string | null;
  status: number;
  errorType: string | null;
  latencyMs: number;
  ttftMs: number | null;
  promptTokens: number;
  completionTokens: number;
  costMicros: number | null;
  creditsMicros: number | null;
  stream: boolean;
  cacheHit: boolean;
  userId: string | null;
  keyId: string | null;
  projectId: string | null;
}

const tenth = (n: number) => Math.round(n * 10) / 10;

export function toLiveRequest(e: UsageEvent, instance: string): LiveRequest {
  return {
    id: e.requestId,
    time: e.ts,
    instance,
    endpoint: e.endpoint,
    model: e.modelId,
    provider: e.providerId,
    pipeline: e.pipelineId,
    status: e.status,
    errorType: e.errorType,
    latencyMs: tenth(e.latencyMs),
    ttftMs: e.ttftMs === null ? null : tenth(e.ttftMs),
    promptTokens: e.promptTokens,
    completionTokens: e.completionTokens,
    costMicros: e.costMicros,
    creditsMicros: e.creditsMicros,
    stream: e.stream,
    cacheHit: e.cacheHit,
    userId: e.userId,
    keyId: e.keyId,
    projectId: e.projectId,
  };
}
