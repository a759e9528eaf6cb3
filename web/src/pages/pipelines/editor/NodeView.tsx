import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { FlowNode } from './convert';

const CATEGORY_LABEL: Record<string, string> = {
  router: 'Router',
  resilience: 'Resilience',
  governance: 'Governance',
  transform: 'Transform',
  cache: 'Cache',
  script: 'Script',
  target: 'Target',
  terminal: 'Terminal',
};

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));

/** A line that says what the node is set to do, so the graph reads without opening each node. */
export function nodeSummary(type: string, p: Record<string, unknown>): string {
  switch (type) {
    case 'target':
      return `${str(p.provider) || '?'} / ${str(p.model) || 'the request’s model'}`;
    case 'reply':
      return `replies “${str(p.content).slice(0, 40)}”`;
    case 'reject':
      return `${str(p.status) || 403} ${str(p.message).slice(0, 40)}`;
    case 'retry':
      return `${str(p.attempts) || 3} attempts`;
    case 'timeout':
      return [p.ttftMs ? `first token ${p.ttftMs} ms` : '', p.totalMs ? `total ${p.totalMs} ms` : ''].filter(Boolean).join(', ');
    case 'rate-limit':
      return [p.rpm ? `${p.rpm} rpm` : '', p.tpm ? `${p.tpm} tpm` : '', str(p.scope) ? `per ${p.scope}` : ''].filter(Boolean).join(' · ');
    case 'cache':
      return `${str(p.ttlSeconds) || 300} s, ${str(p.scope) || 'key'} scope`;
    case 'circuit-breaker':
      return `opens after ${str(p.failureThreshold) || 5} failures`;
    case 'budget':
      return `per ${str(p.scope) || 'key'}`;
    case 'transform':
      return p.model ? `model → ${str(p.model)}` : p.system ? 'system prompt' : Object.keys(p).join(', ');
    default:
      return '';
  }
}

function PipelineNodeViewInner({ data, selected }: NodeProps<FlowNode>) {
  const { node, manifest, handles, issues, runs, idle } = data;
  const category = manifest?.category ?? 'unknown';
  const last = runs?.[runs.length - 1];
  const ran = Boolean(runs?.length);
  const summary = nodeSummary(node.type, node.params);
  const classes = ['pl-node', `cat-${category}`, selected ? 'selected' : '', issues.length ? 'has-issues' : '', idle ? 'idle' : '', ran ? `ran ${last!.status}` : ''].filter(Boolean).join(' ');
  return (
    <div className={classes} data-node-id={node.id}>
      {handles.inputs.map((h) => (
        <Handle key={h.id} id={h.id} type="target" position={Position.Left} className="pl-handle in" title={`${h.label} (${h.type})`} />
      ))}
      <div className="pl-node-head">
        <span className="pl-cat">{CATEGORY_LABEL[category] ?? category}</span>
        {issues.length > 0 && (
          <span className="pl-issues" title={issues.map((i) => i.message).join('\n')}>
            {issues.length} problem{issues.length > 1 ? 's' : ''}
          </span>
        )}
      </div>
      <div className="pl-title">{manifest?.title ?? `${node.type} v${node.typeVersion} (not installed)`}</div>
      <div className="pl-id">{node.id}</div>
      {summary && <div className="pl-summary">{summary}</div>}
      {ran && (
        <div className={`pl-run ${last!.status}`}>
          <span>
            {last!.status === 'ok' ? '✓' : last!.status === 'error' ? '✗' : '…'} {last!.durationMs !== undefined ? `${Math.round(last!.durationMs)} ms` : ''}
            {runs!.length > 1 ? ` · ran ${runs!.length}×` : ''}
          </span>
          {last!.decision && <span className="pl-decision">{last!.decision}</span>}
          {last!.error && <span className="pl-error">{last!.error.status} {last!.error.code ?? last!.error.type}</span>}
          {last!.notes[0] && <span className="pl-note" title={last!.notes.join('\n')}>{last!.notes[0]}</span>}
        </div>
      )}
      {handles.outputs.length > 0 && (
        <div className="pl-outputs">
          {handles.outputs.map((h) => (
            <div className="pl-output" key={h.id}>
              <span className="pl-output-label">{h.label}</span>
              <Handle id={h.id} type="source" position={Position.Right} className="pl-handle out" title={`${h.label} (${h.type})`} />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

export const PipelineNodeView = memo(PipelineNodeViewInner);
