import { builtinManifests, type NodeTypeManifest, type PipelineGraph, type PipelineIssue } from '@switchyard/core/pipeline';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError } from '../../api/client';
import { pipelineApi, type BindingSpec, type PipelineRecord } from '../../api/pipelines';
import type { ModelView, ProviderView } from '../../api/types';
import { useAction } from '../../api/use-action';
import { useResource } from '../../api/use-resource';
import { atLeast, useUser } from '../../auth/session';
import { Dialog } from '../../components/Dialog';
import { FormError } from '../../components/form';
import { SchemaFormOptionsProvider, type SchemaFormOptions } from '../../components/SchemaForm';
import { Empty, ErrorState, Loading } from '../../components/states';
import { fmtRelative } from '../../format';
import { Link } from '../../router';
import { BindingsForm } from './BindingsForm';
import { IssueList } from './editor/Inspector';
import { PipelineEditor, type EditorHandle } from './editor/PipelineEditor';
import type { TestRunResult } from './editor/trace';
import { HistoryPanel } from './HistoryPanel';
import { TestRunPanel } from './TestRunPanel';

type Side = 'inspector' | 'test' | 'history';

/**
 * What decides whether the canvas differs from the saved draft: nodes, edges, and the positions
 * the draft had saved (positions the editor laid out itself for a draft without any are no change).
 */
const fingerprint = (g: PipelineGraph, saved: PipelineGraph) => {
  const kept = Object.keys(saved.layout ?? {});
  return JSON.stringify({ n: g.nodes, e: g.edges, l: kept.map((k) => g.layout?.[k] ?? null) });
};
const narrowScreen = () => window.matchMedia('(max-width: 860px)').matches;

export function PipelineEditorPage({ params }: { params: Record<string, string> }) {
  const id = params.id;
  const me = useUser();
  const canEdit = atLeast(me.role, 'admin');
  const pipeline = useResource((signal) => pipelineApi.get(id, signal), [id]);
  // The palette comes from the server (plugins included); the built-ins are the fallback if it cannot say.
  const nodeTypes = useResource((signal) =>
    pipelineApi.nodeTypes(signal).then(
      (r) => ({ manifests: r.data as NodeTypeManifest[], fromServer: true }),
      () => ({ manifests: [...builtinManifests], fromServer: false }),
    ),
  );
  const providers = useResource((signal) => api<{ data: ProviderView[] }>('/api/providers', { signal }).catch(() => ({ data: [] as ProviderView[] })));
  const models = useResource((signal) => api<{ data: ModelView[] }>('/api/models', { signal }).catch(() => ({ data: [] as ModelView[] })));

  if (pipeline.loading || nodeTypes.loading) return <Loading what="Opening the pipeline" />;
  if (pipeline.error) {
    if (pipeline.error instanceof ApiError && pipeline.error.status === 404) {
      return (
        <div className="page">
          <Empty title={`There is no pipeline “${id}”.`}>
            <Link to="/pipelines">Back to the pipelines</Link>.
          </Empty>
        </div>
      );
    }
    return <ErrorState error={pipeline.error} retry={pipeline.reload} />;
  }
  const options: SchemaFormOptions = {
    providers: (providers.data?.data ?? []).map((p) => ({ id: p.id, name: p.name })),
    models: [...new Set((models.data?.data ?? []).map((m) => m.upstreamModel))],
    modelsByProvider: groupModels(models.data?.data ?? []),
    credentialsByProvider: Object.fromEntries((providers.data?.data ?? []).map((p) => [p.id, p.credentials.map((c) => ({ id: c.id, name: c.name }))])),
  };
  return (
    <SchemaFormOptionsProvider value={options}>
      <EditorScreen
        record={pipeline.data!}
        manifests={nodeTypes.data!.manifests}
        paletteFromServer={nodeTypes.data!.fromServer}
        canEdit={canEdit && pipeline.data!.source !== 'config'}
        chatModels={(models.data?.data ?? []).filter((m) => m.capabilities.includes('chat')).map((m) => m.id)}
      />
    </SchemaFormOptionsProvider>
  );
}

function groupModels(list: ModelView[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of list) (out[m.providerId] ??= []).push(m.upstreamModel);
  return out;
}

function EditorScreen({ record, manifests, paletteFromServer, canEdit, chatModels }: { record: PipelineRecord; manifests: NodeTypeManifest[]; paletteFromServer: boolean; canEdit: boolean; chatModels: string[] }) {
  const editor = useRef<EditorHandle>(null);
  const [saved, setSaved] = useState<PipelineGraph>(record.draft);
  const [savedAt, setSavedAt] = useState(record.draftUpdatedAt);
  const [published, setPublished] = useState(record.publishedVersion);
  const [current, setCurrent] = useState<{ graph: PipelineGraph; issues: PipelineIssue[]; checking: boolean }>({ graph: record.draft, issues: record.issues ?? [], checking: true });
  const [side, setSide] = useState<Side>('inspector');
  const [panels, setPanels] = useState(() => ({ palette: canEdit && !narrowScreen(), inspector: !narrowScreen() }));
  const [trace, setTrace] = useState<TestRunResult | null>(null);
  const [publishing, setPublishing] = useState(false);
  const [binding, setBinding] = useState(false);
  const versions = useResource((signal) => pipelineApi.versions(record.id, signal), [record.id]);
  const [bindings, setBindings] = useState<BindingSpec>(record.bindings);
  const save = useAction();
  const dirty = fingerprint(current.graph, saved) !== fingerprint(saved, saved);

  const onChange = useCallback((graph: PipelineGraph, issues: PipelineIssue[], checking: boolean) => setCurrent({ graph, issues, checking }), []);
  const saveDraft = useCallback(async () => {
    const graph = editor.current!.graph();
    const r = await save.run(() => pipelineApi.update(record.id, { graph }));
    if (r) {
      setSaved(graph);
      setSavedAt(r.draftUpdatedAt ?? Date.now());
    }
    return Boolean(r);
  }, [record.id, save]);

  // Ctrl/Cmd+S saves the draft; leaving with unsaved changes asks first.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        if (canEdit) void saveDraft();
      }
    };
    const onLeave = (e: BeforeUnloadEvent) => {
      if (dirty) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('beforeunload', onLeave);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('beforeunload', onLeave);
    };
  }, [canEdit, dirty, saveDraft]);

  const routes = bindings.aliases.length + bindings.keys.length + bindings.projects.length + (bindings.default ? 1 : 0);
  const toggleSide = (s: Side) => {
    if (side === s && s !== 'inspector') setSide('inspector');
    else setSide(s);
    if (narrowScreen()) setPanels((p) => ({ ...p, palette: false, inspector: true }));
  };
  const sidePanel = useMemo(() => {
    if (side === 'test') return <TestRunPanel pipelineId={record.id} graph={() => editor.current!.graph()} models={chatModels} result={trace} onResult={setTrace} />;
    if (side === 'history')
      return (
        <HistoryPanel
          pipelineId={record.id}
          published={published}
          versions={versions}
          draft={() => editor.current!.graph()}
          readOnly={!canEdit}
          onRolledBack={(v) => {
            setPublished(v.version);
            versions.reload();
          }}
        />
      );
    return undefined;
  }, [side, trace, record.id, chatModels, published, versions, canEdit]);

  return (
    <div className="pipeline-page">
      <div className="editor-bar" role="toolbar" aria-label="Pipeline actions">
        <div className="editor-title">
        <Link to="/pipelines" className="button secondary small">
          ← Pipelines
        </Link>
        <h1>{record.name}</h1>
        <span className="editor-status" role="status">
          {published ? <span className="badge ok">v{published} running</span> : <span className="badge warn">not published</span>}
          {dirty ? <span className="badge warn">unsaved changes</span> : `draft saved ${fmtRelative(savedAt)}`}
          {current.issues.length > 0 && <span className="badge bad">{current.issues.length} problem{current.issues.length > 1 ? 's' : ''}</span>}
          {current.checking && <span className="muted small">checking…</span>}
        </span>
        </div>
        <span className="spacer" />
        <div className="editor-actions">
        <button type="button" className="secondary small" aria-pressed={panels.palette} onClick={() => setPanels((p) => ({ ...p, palette: !p.palette, ...(narrowScreen() ? { inspector: false } : {}) }))} hidden={!canEdit}>
          Palette
        </button>
        <button type="button" className="secondary small" aria-pressed={panels.inspector && side === 'inspector'} onClick={() => (setSide('inspector'), setPanels((p) => ({ ...p, inspector: side !== 'inspector' || !p.inspector, ...(narrowScreen() ? { palette: false } : {}) })))}>
          Inspector
        </button>
        <button type="button" className="secondary small" onClick={() => editor.current?.layout()} hidden={!canEdit}>
          Auto-layout
        </button>
        <button type="button" className="secondary small" aria-pressed={side === 'test'} onClick={() => toggleSide('test')} hidden={!canEdit}>
          Test run
        </button>
        <button type="button" className="secondary small" aria-pressed={side === 'history'} onClick={() => toggleSide('history')}>
          History
        </button>
        <button type="button" className="secondary small" onClick={() => setBinding(true)}>
          Routing{routes ? ` (${routes})` : ''}
        </button>
        {canEdit && (
          <>
            <button type="button" className="secondary small" disabled={!dirty || save.busy} onClick={() => void saveDraft()} title="Ctrl+S">
              {save.busy ? 'Saving…' : 'Save draft'}
            </button>
            <button type="button" className="small" onClick={() => setPublishing(true)}>
              Publish…
            </button>
          </>
        )}
        </div>
      </div>
      {save.error && (
        <p className="banner bad" role="alert">
          Could not save the draft: {save.error}
        </p>
      )}
      {!paletteFromServer && <p className="banner bad small">The server did not list its node types; the palette shows the built-in ones only.</p>}
      {!canEdit && <p className="banner small">{record.source === 'config' ? 'This pipeline comes from the config file: change it there.' : 'Read-only: editing pipelines needs the admin role.'}</p>}
      <PipelineEditor ref={editor} initial={record.draft} manifests={manifests} readOnly={!canEdit} trace={trace} onChange={onChange} panels={panels} side={panels.inspector || side !== 'inspector' ? sidePanel : undefined} />
      <Dialog title={`Publish ${record.name}`} open={publishing} onClose={() => setPublishing(false)}>
        {publishing && (
          <PublishForm
            issues={current.issues}
            checking={current.checking}
            dirty={dirty}
            next={(versions.data?.data ?? []).reduce((m, v) => Math.max(m, v.version), 0) + 1}
            onSelectIssue={() => setPublishing(false)}
            publish={async (note) => {
              if (dirty && !(await saveDraft())) throw new Error('The draft could not be saved.');
              const v = await pipelineApi.publish(record.id, note);
              setPublished(v.version);
              versions.reload();
              setPublishing(false);
            }}
          />
        )}
      </Dialog>
      <Dialog title="Which requests run this pipeline" open={binding} onClose={() => setBinding(false)} wide>
        {binding && <BindingsForm pipelineId={record.id} bindings={bindings} readOnly={!canEdit} published={published !== null} onSaved={(b) => (setBindings(b), setBinding(false))} />}
      </Dialog>
    </div>
  );
}

function PublishForm({ issues, checking, dirty, next, publish, onSelectIssue }: { issues: PipelineIssue[]; checking: boolean; dirty: boolean; next: number; publish: (note?: string) => Promise<void>; onSelectIssue: () => void }) {
  const [note, setNote] = useState('');
  const act = useAction();
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        void act.run(() => publish(note.trim() || undefined));
      }}
    >
      {issues.length > 0 ? (
        <>
          <IssueList issues={issues} onSelect={onSelectIssue} />
          <p className="muted small">The server refuses a graph with problems; fix them on the canvas first.</p>
        </>
      ) : (
        <p>
          This publishes the {dirty ? 'canvas (saving it as the draft first)' : 'draft'} as <strong>version {next}</strong>. Requests routed to this pipeline use it at once; earlier versions stay in the history for rollback.
        </p>
      )}
      <div className="field">
        <label htmlFor="publish-note">Note</label>
        <input id="publish-note" maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} placeholder="what changed, for the history" />
      </div>
      <FormError error={act.error} />
      <div className="form-actions">
        <button type="submit" disabled={act.busy || checking || issues.length > 0}>
          {act.busy ? 'Publishing…' : checking ? 'Checking the graph…' : `Publish version ${next}`}
        </button>
      </div>
    </form>
  );
}
