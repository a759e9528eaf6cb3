import { useState } from 'react';
import type { PipelineGraph } from '@switchyard/core/pipeline';
import { pipelineApi, type PublishedVersion, type VersionInfo } from '../../api/pipelines';
import { useAction } from '../../api/use-action';
import { FormError } from '../../components/form';
import { ErrorState, Loading } from '../../components/states';
import { fmtTime } from '../../format';
import { diffGraphs } from './editor/diff';

/** Published versions, newest first: what changed in each, and a rollback that republishes an old one. */
export function HistoryPanel({
  pipelineId,
  published,
  versions,
  draft,
  readOnly,
  onRolledBack,
}: {
  pipelineId: string;
  published: number | null;
  versions: { data?: { data: VersionInfo[] }; error?: unknown; loading: boolean; reload: () => void };
  draft: () => PipelineGraph;
  readOnly?: boolean;
  onRolledBack: (v: PublishedVersion) => void;
}) {
  const [diff, setDiff] = useState<{ title: string; changes: ReturnType<typeof diffGraphs> } | null>(null);
  const rollback = useAction();
  const compare = useAction();
  // Version graphs are fetched when compared (the list leaves them out).
  const show = (title: string, from: number, to: number | 'draft') =>
    void compare.run(async () => {
      const a = (await pipelineApi.version(pipelineId, from)).graph;
      const b = to === 'draft' ? draft() : (await pipelineApi.version(pipelineId, to)).graph;
      setDiff({ title, changes: diffGraphs(a, b) });
    });
  if (versions.loading && !versions.data) return <aside className="side-panel"><Loading what="Loading versions" /></aside>;
  if (versions.error) return <aside className="side-panel"><ErrorState error={versions.error} retry={versions.reload} /></aside>;
  const list = [...(versions.data?.data ?? [])].sort((a, b) => b.version - a.version);
  return (
    <aside className="side-panel" aria-label="Version history">
      <h2>Versions</h2>
      {list.length === 0 && <p className="muted">Nothing published yet. Publish the draft to create version 1.</p>}
      <FormError error={compare.error} />
      <FormError error={rollback.error} />
      {list.map((v) => {
        const previous = list.find((x) => x.version < v.version);
        return (
          <div key={v.version} className={`version-item${v.version === published ? ' current' : ''}`}>
            <div>
              <strong>v{v.version}</strong> {v.version === published && <span className="badge ok">running</span>}
              {v.rolledBackFrom !== null && <span className="tag">rollback to v{v.rolledBackFrom}</span>}
            </div>
            <div className="muted small">
              {fmtTime(v.createdAt)}
              {v.createdBy ? ` · ${v.createdBy}` : ''}
            </div>
            {v.note && <div className="small">{v.note}</div>}
            <div className="row-actions" style={{ justifyContent: 'flex-start' }}>
              {previous && (
                <button type="button" className="secondary small" disabled={compare.busy} onClick={() => show(`v${previous.version} → v${v.version}`, previous.version, v.version)}>
                  Changes
                </button>
              )}
              <button type="button" className="secondary small" disabled={compare.busy} onClick={() => show(`v${v.version} → canvas`, v.version, 'draft')}>
                Compare with canvas
              </button>
              {!readOnly && v.version !== published && (
                <button
                  type="button"
                  className="secondary small"
                  disabled={rollback.busy}
                  onClick={async () => {
                    if (!confirm(`Roll back to v${v.version}? Its graph is published again as a new version and requests use it at once. The draft on the canvas stays as it is.`)) return;
                    const created = await rollback.run(() => pipelineApi.rollback(pipelineId, v.version));
                    if (created) onRolledBack(created);
                  }}
                >
                  Roll back to v{v.version}
                </button>
              )}
            </div>
          </div>
        );
      })}
      {diff && (
        <section className="card" aria-label={`Changes ${diff.title}`}>
          <div className="card-head">
            <h3>{diff.title}</h3>
            <button type="button" className="icon-button small" aria-label="Close the comparison" onClick={() => setDiff(null)}>
              ×
            </button>
          </div>
          {diff.changes.length === 0 ? (
            <p className="muted small">No change in behaviour (positions may differ).</p>
          ) : (
            <ul className="diff-list">
              {diff.changes.map((c, i) => (
                <li key={i} className={c.kind === 'add' ? 'diff-add' : c.kind === 'remove' ? 'diff-del' : 'diff-chg'}>
                  {c.kind === 'add' ? '+ ' : c.kind === 'remove' ? '− ' : '~ '}
                  {c.text}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </aside>
  );
}
