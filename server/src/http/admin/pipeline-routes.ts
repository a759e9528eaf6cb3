import express, { Router, type Request } from 'express';
import { errors } from '@switchyard/core';
import type { PipelineGraph, RequestKind } from '@switchyard/spec';
import { auditContext } from '../../identity/audit/context';
import { PIPELINE_ID_PATTERN } from '../../pipelines/config-pipelines';
import type { PipelineRecord } from '../../pipelines/pipeline-repo';
import type { BindingSpec, PipelineService } from '../../pipelines/pipeline-service';
import { compileValidator } from '../../validation/validate';
import { abortOnDisconnect } from '../request-context';

const graphSchema = {
  type: 'object',
  properties: { schemaVersion: { type: 'integer' }, nodes: { type: 'array' }, edges: { type: 'array' }, layout: { type: 'object' } },
};
const subjects = { type: 'array', maxItems: 1000, items: { type: 'string', minLength: 1, maxLength: 200 } };

const validateCreate = compileValidator<{ id: string; name?: string; description?: string; graph?: PipelineGraph }>({
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', pattern: PIPELINE_ID_PATTERN }, name: { type: 'string', minLength: 1, maxLength: 200 }, description: { type: 'string', maxLength: 2000 }, graph: graphSchema },
});

const validatePatch = compileValidator<{ name?: string; description?: string; graph?: PipelineGraph }>({
  type: 'object',
  additionalProperties: false,
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, description: { type: 'string', maxLength: 2000 }, graph: graphSchema },
});

const validateGraphBody = compileValidator<{ graph: PipelineGraph }>({ type: 'object', required: ['graph'], additionalProperties: false, properties: { graph: graphSchema } });

const validatePublish = compileValidator<{ note?: string }>({ type: 'object', additionalProperties: false, properties: { note: { type: 'string', maxLength: 2000 } } });

const validateRollback = compileValidator<{ version: number; note?: string }>({
  type: 'object',
  required: ['version'],
  additionalProperties: false,
  properties: { version: { type: 'integer', minimum: 1 }, note: { type: 'string', maxLength: 2000 } },
});

const validateBindings = compileValidator<BindingSpec>({
  type: 'object',
  additionalProperties: false,
  properties: { aliases: subjects, keys: subjects, projects: subjects, default: { type: 'boolean' } },
});

const validateTestRun = compileValidator<{
  request: Record<string, unknown>;
  kind?: RequestKind;
  version?: number | 'draft' | 'published';
  graph?: PipelineGraph;
  useMock?: boolean;
  headers?: Record<string, string>;
}>({
  type: 'object',
  required: ['request'],
  additionalProperties: false,
  properties: {
    request: { type: 'object' },
    kind: { enum: ['chat', 'embeddings', 'images'] },
    version: { anyOf: [{ type: 'integer', minimum: 1 }, { enum: ['draft', 'published'] }] },
    graph: graphSchema,
    useMock: { type: 'boolean' },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
  },
});

/** `draft`, `published` or a version number, from a query parameter. */
function versionParam(value: unknown, name: string, fallback: number | 'draft' | 'published'): number | 'draft' | 'published' {
  if (value === undefined || value === '') return fallback;
  if (value === 'draft' || value === 'published') return value;
  if (typeof value === 'string' && /^[1-9]\d{0,8}$/.test(value)) return Number(value);
  throw errors.invalidRequest(`'${name}' must be a version number, 'draft' or 'published'.`, name, 'invalid_version');
}

/**
 * The admin API for pipelines: CRUD on drafts, numbered versions, publish and rollback (swapped
 * in without a restart), diffs, bindings, test runs, and the node-type palette for the editor.
 */
export function pipelineRoutes(deps: { pipelines: PipelineService }): Router {
  const svc = deps.pipelines;
  const r = Router();
  r.use(['/pipelines', '/node-types'], express.json({ limit: '2mb' }));
  const id = (req: Request) => String(req.params.id);

  const summary = (p: PipelineRecord) => {
    const { draft: _draft, ...rest } = p;
    return { ...rest, ...svc.status(p.id) };
  };
  const full = (p: PipelineRecord) => ({ ...p, ...svc.status(p.id), issues: svc.draftIssues(p.draft) });

  r.get('/node-types', (_req, res) => {
    res.json({ data: svc.nodeTypes.entries().map((e) => ({ ...e.definition.manifest, source: e.source })) });
  });

  r.get('/pipelines', async (_req, res) => {
    res.json({ data: (await svc.list()).map(summary) });
  });
  r.post('/pipelines', async (req, res) => {
    const body = validateCreate(req.body);
    res.status(201).json(full(await svc.create(body, auditContext(req, res))));
  });
  r.get('/pipelines/bindings', (_req, res) => {
    res.json({ data: svc.allBindings() });
  });
  r.post('/pipelines/validate', async (req, res) => {
    const { graph } = validateGraphBody(req.body);
    res.json({ ...(await svc.validate(graph)), warnings: svc.targetWarnings(graph) });
  });

  r.get('/pipelines/:id', async (req, res) => {
    res.json(full(await svc.get(id(req))));
  });
  r.patch('/pipelines/:id', async (req, res) => {
    const body = validatePatch(req.body);
    res.json(full(await svc.update(id(req), body, auditContext(req, res))));
  });
  r.delete('/pipelines/:id', async (req, res) => {
    await svc.remove(id(req), auditContext(req, res));
    res.status(204).end();
  });

  r.get('/pipelines/:id/versions', async (req, res) => {
    await svc.get(id(req));
    res.json({ data: await svc.versions(id(req)) });
  });
  r.get('/pipelines/:id/versions/:version', async (req, res) => {
    const v = versionParam(String(req.params.version), 'version', 'draft');
    if (typeof v !== 'number') throw errors.invalidRequest("'version' must be a version number.", 'version', 'invalid_version');
    res.json(await svc.version(id(req), v));
  });
  r.post('/pipelines/:id/publish', async (req, res) => {
    const body = validatePublish(req.body ?? {});
    res.status(201).json(await svc.publish(id(req), body, auditContext(req, res)));
  });
  r.post('/pipelines/:id/rollback', async (req, res) => {
    const body = validateRollback(req.body);
    res.status(201).json(await svc.rollback(id(req), body.version, { note: body.note }, auditContext(req, res)));
  });
  r.get('/pipelines/:id/diff', async (req, res) => {
    const from = versionParam(req.query.from, 'from', 'published');
    const to = versionParam(req.query.to, 'to', 'draft');
    res.json(await svc.diff(id(req), from, to));
  });

  r.get('/pipelines/:id/bindings', async (req, res) => {
    await svc.get(id(req));
    res.json(svc.status(id(req)).bindings);
  });
  r.put('/pipelines/:id/bindings', async (req, res) => {
    const body = validateBindings(req.body);
    res.json(await svc.setBindings(id(req), body, auditContext(req, res)));
  });

  r.post('/pipelines/:id/test-run', async (req, res) => {
    const body = validateTestRun(req.body);
    const result = await svc.testRun(id(req), {
      ...body,
      principal: res.locals.principal,
      requestId: res.locals.requestId,
      signal: abortOnDisconnect(res),
    });
    res.json(result);
  });

  return r;
}
