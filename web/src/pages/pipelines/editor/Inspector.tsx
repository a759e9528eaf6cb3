import { indexManifests, ID_PATTERN, type NodeTypeManifest, type PipelineGraph, type PipelineIssue } from '@switchyard/core/pipeline';
import { useEffect, useState } from 'react';
import { SchemaForm, type Schema } from '../../../components/SchemaForm';
import type { FlowNode } from './convert';
import type { NodeRun } from './trace';

const ID_RE = new RegExp(ID_PATTERN);

/** Problems of one node by top-level param name (`params.branches[1].id` -> `branches`). */
function paramErrors(issues: PipelineIssue[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const i of issues) {
    if (!i.field?.startsWith('params.')) continue;
    const name = i.field.slice('params.'.length).split(/[.[]/)[0];
    (out[name] ??= []).push(i.message);
  }
  return out;
}

interface InspectorProps {
  node?: FlowNode;
  graph: PipelineGraph;
  issues: PipelineIssue[];
  manifests: readonly NodeTypeManifest[];
  readOnly?: boolean;
  runs?: NodeRun[];
  onSelect(id: string): void;
  onParams(params: Record<string, unknown>): void;
  onTypeVersion(v: number): void;
  onRename(to: string): void;
  onConnect(sourceHandle: string, target: string | null): void;
  onDelete(): void;
}

/** The selected node's settings (a form from its params schema), outputs and test-run notes; or the graph's problems. */
export function Inspector(props: InspectorProps) {
  const { node, issues, graph, onSelect } = props;
  if (!node) {
    return (
      <aside className="inspector" aria-label="Inspector">
        <h2>Pipeline</h2>
        <p className="muted small">
          {graph.nodes.length} nodes, {graph.edges.length} connections. Select a node to edit it. Requests enter at the one node with no input connected; every path must end in a target or a terminal.
        </p>
        <IssueList issues={issues} onSelect={onSelect} />
      </aside>
    );
  }
  return <NodeInspector {...props} node={node} />;
}

export function IssueList({ issues, onSelect }: { issues: PipelineIssue[]; onSelect(id: string): void }) {
  if (issues.length === 0) {
    return (
      <p className="banner ok small" role="status">
        ✓ No problems: this graph can be published.
      </p>
    );
  }
  return (
    <div className="issues" role="status">
      <h3>
        {issues.length} problem{issues.length > 1 ? 's' : ''} to fix before publishing
      </h3>
      <ul>
        {issues.map((i, k) => (
          <li key={k}>
            {i.nodeId ? (
              <button type="button" className="link-button" onClick={() => onSelect(i.nodeId!)}>
                {i.nodeId}
              </button>
            ) : (
              <strong>graph</strong>
            )}
            : {i.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function NodeInspector({ node, graph, issues, manifests, readOnly, runs, onParams, onTypeVersion, onRename, onConnect, onDelete }: InspectorProps & { node: FlowNode }) {
  const { manifest, handles } = node.data;
  const [id, setId] = useState(node.id);
  useEffect(() => setId(node.id), [node.id]);
  const mine = issues.filter((i) => i.nodeId === node.id);
  const idProblem = id === node.id ? null : !ID_RE.test(id) ? '1-64 letters, digits, _ or -' : graph.nodes.some((n) => n.id === id) ? 'another node has this id' : null;
  const versions = indexManifests(manifests).versions(node.data.node.type);
  const others = graph.nodes.filter((n) => n.id !== node.id);
  return (
    <aside className="inspector" aria-label={`Inspector: ${node.id}`}>
      <div className="inspector-head">
        <h2>{manifest?.title ?? node.data.node.type}</h2>
        {!readOnly && (
          <button type="button" className="danger small" onClick={onDelete}>
            Delete node
          </button>
        )}
      </div>
      {manifest?.description && <p className="muted small">{manifest.description}</p>}
      {!manifest && <p className="error-text">This node type is not installed on the server: the pipeline cannot be published until it is, or the node is removed.</p>}

      {runs && runs.length > 0 && (
        <section className="run-notes" aria-label="Test run">
          <h3>In the test run</h3>
          {runs.map((r, k) => (
            <div key={k} className={`run-entry ${r.status}`}>
              <strong>
                {r.status === 'ok' ? '✓' : r.status === 'error' ? '✗' : '…'} {r.durationMs !== undefined ? `${Math.round(r.durationMs)} ms` : ''}
              </strong>
              {r.decision && <span> · {r.decision}</span>}
              {r.error && (
                <div className="error-text small">
                  {r.error.status} {r.error.code ?? r.error.type}: {r.error.message}
                </div>
              )}
              {r.notes.length > 0 && (
                <ul className="small">
                  {r.notes.map((n, j) => (
                    <li key={j}>{n}</li>
                  ))}
                </ul>
              )}
            </div>
          ))}
        </section>
      )}

      <div className="field">
        <label htmlFor="node-id">Node id</label>
        <div className="input-pair">
          <input id="node-id" value={id} readOnly={readOnly} onChange={(e) => setId(e.target.value)} aria-invalid={Boolean(idProblem)} onKeyDown={(e) => e.key === 'Enter' && !idProblem && id !== node.id && onRename(id)} />
          {!readOnly && id !== node.id && (
            <button type="button" className="secondary small" disabled={Boolean(idProblem)} onClick={() => onRename(id)}>
              Rename
            </button>
          )}
        </div>
        {idProblem && <small className="error-text">{idProblem}</small>}
      </div>
      {versions.length > 1 && (
        <div className="field">
          <label htmlFor="node-version">Type version</label>
          <select id="node-version" disabled={readOnly} value={node.data.node.typeVersion} onChange={(e) => onTypeVersion(Number(e.target.value))}>
            {versions.map((v) => (
              <option key={v} value={v}>
                v{v}
              </option>
            ))}
          </select>
        </div>
      )}

      {manifest && (
        <fieldset className="params" disabled={readOnly}>
          <legend>Settings</legend>
          <SchemaForm key={node.id} schema={manifest.paramsSchema as Schema} value={node.data.node.params} onChange={onParams} idPrefix={`p-${node.id}`} errors={paramErrors(mine)} />
        </fieldset>
      )}

      {handles.outputs.length > 0 && (
        <fieldset className="outputs" disabled={readOnly}>
          <legend>Outputs</legend>
          <p className="muted small">{manifest?.category === 'router' && node.data.node.type === 'fallback' ? 'Tried in this order.' : 'Where each output leads.'} You can also drag from a handle on the canvas.</p>
          {handles.outputs.map((h) => {
            const edge = graph.edges.find((e) => e.source === node.id && e.sourceHandle === h.id);
            return (
              <div className="field inline" key={h.id}>
                <label htmlFor={`out-${node.id}-${h.id}`}>{h.label}</label>
                <select id={`out-${node.id}-${h.id}`} value={edge?.target ?? ''} onChange={(e) => onConnect(h.id, e.target.value || null)}>
                  <option value="">— not connected —</option>
                  {others.map((n) => (
                    <option key={n.id} value={n.id}>
                      {n.id} ({n.type})
                    </option>
                  ))}
                </select>
              </div>
            );
          })}
        </fieldset>
      )}
      {mine.filter((i) => !i.field?.startsWith('params.')).length > 0 && <IssueList issues={mine.filter((i) => !i.field?.startsWith('params.'))} onSelect={() => {}} />}
    </aside>
  );
}
