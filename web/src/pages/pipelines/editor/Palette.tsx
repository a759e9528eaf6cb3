import type { NodeTypeManifest } from '@switchyard/core/pipeline';
import { useState } from 'react';

export const PALETTE_MIME = 'application/x-switchyard-node';

const ORDER = ['router', 'resilience', 'governance', 'transform', 'cache', 'script', 'target', 'terminal'];
const TITLES: Record<string, string> = {
  router: 'Routers',
  resilience: 'Resilience',
  governance: 'Governance',
  transform: 'Transform',
  cache: 'Cache',
  script: 'Script',
  target: 'Targets',
  terminal: 'Terminals',
};

/**
 * The node types the server offers (built-ins and plugins), by category. Drag one onto the canvas,
 * or use its Add button (keyboard): with a node selected, the new one is joined to its first free output.
 */
export function Palette({ manifests, onAdd, disabled, addHint }: { manifests: readonly NodeTypeManifest[]; onAdd: (m: NodeTypeManifest) => void; disabled?: boolean; addHint?: string }) {
  const [filter, setFilter] = useState('');
  // Only the newest version of each type is offered for new nodes.
  const newest = new Map<string, NodeTypeManifest>();
  for (const m of manifests) if ((newest.get(m.type)?.typeVersion ?? 0) < m.typeVersion) newest.set(m.type, m);
  const list = [...newest.values()].filter((m) => !filter || `${m.title} ${m.type} ${m.description ?? ''}`.toLowerCase().includes(filter.toLowerCase()));
  const categories = [...new Set([...ORDER, ...list.map((m) => String(m.category))])].filter((c) => list.some((m) => m.category === c));
  return (
    <aside className="palette" aria-label="Node palette">
      <div className="palette-head">
        <h2>Nodes</h2>
        <label htmlFor="palette-filter" className="sr-only">
          Filter node types
        </label>
        <input id="palette-filter" type="search" placeholder="Filter…" value={filter} onChange={(e) => setFilter(e.target.value)} />
        {addHint && !disabled && <p className="muted small">Add puts the node {addHint}.</p>}
      </div>
      {categories.map((c) => (
        <section key={c} className="palette-group">
          <h3>{TITLES[c] ?? c}</h3>
          <ul>
            {list
              .filter((m) => m.category === c)
              .map((m) => (
                <li
                  key={m.type}
                  className={`palette-item cat-${m.category}`}
                  draggable={!disabled}
                  onDragStart={(e) => {
                    e.dataTransfer.setData(PALETTE_MIME, `${m.type}@${m.typeVersion}`);
                    e.dataTransfer.effectAllowed = 'move';
                  }}
                  title={m.description}
                >
                  <div className="palette-text">
                    <span className="palette-title">{m.title}</span>
                    {m.type.includes('.') && <span className="tag">plugin</span>}
                  </div>
                  {!disabled && (
                    <button type="button" className="secondary small" aria-label={`Add ${m.title} node`} onClick={() => onAdd(m)}>
                      Add
                    </button>
                  )}
                </li>
              ))}
          </ul>
        </section>
      ))}
      {list.length === 0 && <p className="muted small">No node type matches.</p>}
    </aside>
  );
}
