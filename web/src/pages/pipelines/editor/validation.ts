import { validatePipeline, type NodeTypeManifest, type PipelineGraph, type PipelineIssue } from '@switchyard/core/pipeline';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../../../api/client';

/**
 * Whether this page may compile code at run time. The console is served with a strict CSP (no
 * 'unsafe-eval'), and the shared validator's JSON Schema checks (ajv) generate code, so in the
 * console they cannot run; everything else in the validator (graph shape, handles, edges,
 * cycles, entry, outputs) runs here as is.
 */
export const evalAllowed: boolean = (() => {
  try {
    return new Function('return true')() === true;
  } catch {
    return false;
  }
})();

const SCHEMA_COMPILE_FAILURE = "the node type's paramsSchema is not a valid JSON Schema";

/**
 * The editor's validation: the shared validator at once, in the browser; and, where the CSP
 * stops its params checks, the same validator on the server (POST /api/pipelines/validate, which
 * also prepares params the way publishing does), a moment after the graph stops changing.
 */
export function usePipelineValidation(graph: PipelineGraph, manifests: readonly NodeTypeManifest[]): { issues: PipelineIssue[]; checking: boolean } {
  const local = useMemo(() => {
    const r = validatePipeline(graph, manifests);
    return evalAllowed ? r.issues : r.issues.filter((i) => !i.message.includes(SCHEMA_COMPILE_FAILURE));
  }, [graph, manifests]);
  const key = useMemo(() => JSON.stringify({ n: graph.nodes, e: graph.edges }), [graph]);
  const [remote, setRemote] = useState<{ key: string; issues: PipelineIssue[] } | null>(null);

  useEffect(() => {
    if (evalAllowed) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api<{ ok: boolean; issues: PipelineIssue[] }>('/api/pipelines/validate', { method: 'POST', body: { graph }, signal: controller.signal }).then(
        (r) => setRemote({ key, issues: r.issues }),
        () => undefined, // offline or refused: the local checks still stand
      );
    }, 350);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps

  if (evalAllowed) return { issues: local, checking: false };
  if (remote?.key === key) return { issues: remote.issues, checking: false };
  return { issues: local, checking: true };
}
