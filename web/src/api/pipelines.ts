import type { NodeTypeManifest, PipelineGraph, PipelineIssue } from '@switchyard/core/pipeline';
import type { TestRunResult } from '../pages/pipelines/editor/trace';
import { api } from './client';

/* Shapes of the pipeline admin API (server/src/http/admin/pipeline-routes.ts, pipelines/pipeline-service.ts). */

export interface BindingSpec {
  aliases: string[];
  keys: string[];
  projects: string[];
  default: boolean;
}

/** What the server says about a pipeline in memory: the version running and how it is bound. */
export interface PipelineStatus {
  running: { version: number; inFlight: number } | null;
  problem: string | null;
  draining: number;
  bindings: BindingSpec;
}

export interface PipelineSummary extends PipelineStatus {
  id: string;
  name: string;
  description: string;
  draftUpdatedAt: number;
  publishedVersion: number | null;
  source: 'api' | 'config';
  createdAt: number;
  updatedAt: number;
}

export interface PipelineRecord extends PipelineSummary {
  draft: PipelineGraph;
  issues: PipelineIssue[];
}

export interface PipelineVersion {
  pipelineId: string;
  version: number;
  graph: PipelineGraph;
  source: 'api' | 'config';
  note: string | null;
  rolledBackFrom: number | null;
  createdBy: string | null;
  createdAt: number;
}

export type VersionInfo = Omit<PipelineVersion, 'graph'>;
export type PublishedVersion = Omit<PipelineVersion, 'graph'> & { warnings: PipelineIssue[] };

export interface PipelineBinding {
  kind: 'alias' | 'key' | 'project' | 'default';
  subject: string;
  pipelineId: string;
}

export type NodeTypeView = NodeTypeManifest & { source?: string };

export const emptyGraph = (): PipelineGraph => ({ schemaVersion: 1, nodes: [], edges: [], layout: {} });

const at = (id: string) => `/api/pipelines/${encodeURIComponent(id)}`;

/** Every call the pipeline screens make, in one place. */
export const pipelineApi = {
  list: (signal?: AbortSignal) => api<{ data: PipelineSummary[] }>('/api/pipelines', { signal }),
  get: (id: string, signal?: AbortSignal) => api<PipelineRecord>(at(id), { signal }),
  create: (body: { id: string; name?: string; description?: string; graph?: PipelineGraph }) => api<PipelineRecord>('/api/pipelines', { method: 'POST', body }),
  update: (id: string, body: { name?: string; description?: string; graph?: PipelineGraph }) => api<PipelineRecord>(at(id), { method: 'PATCH', body }),
  remove: (id: string) => api<void>(at(id), { method: 'DELETE' }),
  publish: (id: string, note?: string) => api<PublishedVersion>(`${at(id)}/publish`, { method: 'POST', body: note ? { note } : {} }),
  versions: (id: string, signal?: AbortSignal) => api<{ data: VersionInfo[] }>(`${at(id)}/versions`, { signal }),
  version: (id: string, version: number) => api<PipelineVersion>(`${at(id)}/versions/${version}`),
  rollback: (id: string, version: number) => api<PublishedVersion>(`${at(id)}/rollback`, { method: 'POST', body: { version } }),
  testRun: (id: string, body: { graph?: PipelineGraph; version?: number | 'draft' | 'published'; request: Record<string, unknown>; useMock?: boolean }) =>
    api<TestRunResult>(`${at(id)}/test-run`, { method: 'POST', body }),
  allBindings: (signal?: AbortSignal) => api<{ data: PipelineBinding[] }>('/api/pipelines/bindings', { signal }),
  setBindings: (id: string, spec: BindingSpec) => api<BindingSpec>(`${at(id)}/bindings`, { method: 'PUT', body: spec }),
  nodeTypes: (signal?: AbortSignal) => api<{ data: NodeTypeView[] }>('/api/node-types', { signal }),
};
