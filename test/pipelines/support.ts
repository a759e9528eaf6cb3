import { expect } from 'vitest';
import type { GatewayError } from '@switchyard/core';
import type { PipelineEdge, PipelineGraph, PipelineNode } from '@switchyard/spec';
import type { AttemptRecord, AttemptStart, GatewayHooks, RequestSummary } from '../../server/src/dispatch/hooks';
import type { TestGateway } from '../support/gateway';

/* Graph builders, so tests read like the graphs they describe. */

export function n(id: string, type: string, params: Record<string, unknown> = {}): PipelineNode {
  return { id, type, typeVersion: 1, params };
}

export function target(id: string, provider: string, model?: string, extra: Record<string, unknown> = {}): PipelineNode {
  return n(id, 'target', { provider, ...(model ? { model } : {}), ...extra });
}

export function e(source: string, sourceHandle: string, to: string): PipelineEdge {
  return { source, sourceHandle, target: to, targetHandle: 'in' };
}

export function graph(nodes: PipelineNode[], edges: PipelineEdge[] = []): PipelineGraph {
  return { schemaVersion: 1, nodes, edges };
}

/** A fallback over targets, in order: `fallback([['openai','gpt-4o-mini'], ['anthropic','claude-…']])`. */
export function fallbackGraph(targets: Array<[string, string]>, params: Record<string, unknown> = {}): PipelineGraph {
  const branches = targets.map((_, i) => ({ id: `b${i}` }));
  return graph(
    [n('fb', 'fallback', { branches, ...params }), ...targets.map(([p, m], i) => target(`t${i}`, p, m))],
    targets.map((_, i) => e('fb', `b${i}`, `t${i}`)),
  );
}

/** Calls the admin API with the admin key. */
export async function api(gw: TestGateway, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${gw.url}/api${path}`, {
    method,
    headers: { ...gw.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Creates a pipeline with `graph` as its draft, publishes it and binds it; returns the published version. */
export async function publishPipeline(gw: TestGateway, id: string, g: PipelineGraph, bindings: Record<string, unknown> = {}): Promise<number> {
  const created = await api(gw, 'POST', '/pipelines', { id, graph: g });
  if (created.status === 409) {
    const patched = await api(gw, 'PATCH', `/pipelines/${id}`, { graph: g });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  } else {
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
  const published = await api(gw, 'POST', `/pipelines/${id}/publish`, {});
  expect(published.status, JSON.stringify(published.body)).toBe(201);
  if (Object.keys(bindings).length > 0) {
    const bound = await api(gw, 'PUT', `/pipelines/${id}/bindings`, bindings);
    expect(bound.status, JSON.stringify(bound.body)).toBe(200);
  }
  return published.body.version;
}

/** Hooks that record what billing and usage would see. */
export function recordingHooks() {
  const summaries: RequestSummary[] = [];
  const befores: AttemptStart[] = [];
  const afters: Array<{ start: AttemptStart; record: AttemptRecord; error?: GatewayError }> = [];
  const hooks: GatewayHooks = {
    beforeAttempt(start) {
      befores.push(start);
      return start.attempt;
    },
    afterAttempt(start, _token, record, error) {
      afters.push({ start, record: { ...record }, error });
    },
    onRequestEnd(summary) {
      summaries.push(summary);
    },
  };
  return {
    hooks,
    summaries,
    befores,
    afters,
    clear() {
      summaries.length = 0;
      befores.length = 0;
      afters.length = 0;
    },
    /** Waits until `count` requests have ended (streams end after the client has read them). */
    async waitForSummaries(count: number): Promise<RequestSummary[]> {
      for (let i = 0; i < 500 && summaries.length < count; i++) await new Promise((r) => setTimeout(r, 10));
      expect(summaries).toHaveLength(count);
      return summaries;
    },
  };
}

export async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}
