import { Panel, useConnection, type Connection } from '@xyflow/react';
import type { ConnectionCheck } from '@switchyard/core/pipeline';

/**
 * While a connection is dragged, says whether it may be made here and, if not, why: the shared
 * validator's canConnect, the same rule the server applies when it stores the graph.
 */
export function ConnectionHint({ check }: { check: (c: Connection) => ConnectionCheck }) {
  const connection = useConnection();
  if (!connection.inProgress) return null;
  const from = connection.fromHandle;
  const to = connection.toHandle;
  let text = `Dragging from ${from.nodeId} · ${from.id ?? ''}: drop on a node's input.`;
  let tone = 'neutral';
  if (to && to.nodeId !== from.nodeId) {
    const c: Connection =
      from.type === 'source'
        ? { source: from.nodeId, sourceHandle: from.id ?? null, target: to.nodeId, targetHandle: to.id ?? null }
        : { source: to.nodeId, sourceHandle: to.id ?? null, target: from.nodeId, targetHandle: from.id ?? null };
    const verdict = check(c);
    text = verdict.ok ? `✓ ${c.source} → ${c.target}` : `✗ ${verdict.message}`;
    tone = verdict.ok ? 'ok' : 'bad';
  }
  return (
    <Panel position="top-center" className={`connection-hint ${tone}`}>
      <span role="status">{text}</span>
    </Panel>
  );
}
