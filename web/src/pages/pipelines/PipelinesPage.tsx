import { useState } from 'react';
import { ApiError } from '../../api/client';
import { emptyGraph, pipelineApi, type BindingSpec } from '../../api/pipelines';
import { useAction } from '../../api/use-action';
import { useResource } from '../../api/use-resource';
import { atLeast, useUser } from '../../auth/session';
import { DataTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { Field, FormActions, FormError, RadioRow } from '../../components/form';
import { Empty, ErrorState, Loading } from '../../components/states';
import { fmtRelative } from '../../format';
import { Link, useRouter } from '../../router';
import { starterGraph } from './starter';

function bindingText(b: BindingSpec): string[] {
  return [...b.aliases.map((a) => `model “${a}”`), ...b.keys.map((k) => `key ${k}`), ...b.projects.map((p) => `project ${p}`), ...(b.default ? ['every other request'] : [])];
}

/** The pipelines on this server: which version runs, what routes to each, and a way to start a new one. */
export function PipelinesPage() {
  const me = useUser();
  const canEdit = atLeast(me.role, 'admin');
  const list = useResource((signal) => pipelineApi.list(signal));
  const [creating, setCreating] = useState(false);
  if (list.loading) return <Loading what="Loading pipelines" />;
  if (list.error) {
    if (list.error instanceof ApiError && list.error.status === 404) {
      return (
        <div className="page">
          <h1>Pipelines</h1>
          <Empty title="This server does not offer pipelines yet.">Its admin API has no /api/pipelines; requests go straight to the model's provider.</Empty>
        </div>
      );
    }
    return <ErrorState error={list.error} retry={list.reload} />;
  }
  const rows = list.data!.data;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Pipelines</h1>
          <p className="muted">Routing graphs: fallbacks, load balancing, conditions, retries, limits and caching in front of your providers.</p>
        </div>
        {canEdit && (
          <button type="button" onClick={() => setCreating(true)}>
            New pipeline
          </button>
        )}
      </header>
      {rows.length === 0 ? (
        <Empty title="No pipelines yet.">
          {canEdit ? 'Create one with “New pipeline”. A good first one is a fallback: try a primary model, and a backup when it fails.' : 'An administrator creates pipelines; without one, requests go straight to the model’s provider.'}
        </Empty>
      ) : (
        <section className="card">
          <DataTable
            columns={['Pipeline', 'Running', ['Serves', 'hide-narrow'], ['Draft', 'hide-narrow'], '']}
            rows={rows}
            row={(p) => {
              const mine = bindingText(p.bindings);
              return (
                <tr key={p.id}>
                  <td>
                    <Link to={`/pipelines/${encodeURIComponent(p.id)}`}>{p.name}</Link>
                    <div className="muted small">
                      <code>{p.id}</code>
                      {p.source === 'config' && ' · from the config file'}
                    </div>
                    {p.description && <div className="small">{p.description}</div>}
                  </td>
                  <td>
                    {p.running ? <span className="badge ok">v{p.running.version}</span> : p.publishedVersion ? <span className="badge bad">v{p.publishedVersion} not running</span> : <span className="badge warn">not published</span>}
                    {p.problem && <div className="bad-text small">{p.problem}</div>}
                  </td>
                  <td className="hide-narrow small">{mine.length ? mine.join('; ') : <span className="muted">nothing routes here yet</span>}</td>
                  <td className="hide-narrow small">edited {fmtRelative(p.draftUpdatedAt)}</td>
                  <td className="row-actions">
                    <Link to={`/pipelines/${encodeURIComponent(p.id)}`} className="button secondary small">
                      {canEdit ? 'Edit' : 'View'}
                    </Link>
                  </td>
                </tr>
              );
            }}
          />
        </section>
      )}
      <Dialog title="New pipeline" open={creating} onClose={() => setCreating(false)}>
        {creating && <NewPipelineForm />}
      </Dialog>
    </div>
  );
}

function NewPipelineForm() {
  const { navigate } = useRouter();
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const [idEdited, setIdEdited] = useState(false);
  const [start, setStart] = useState<'fallback' | 'empty'>('fallback');
  const create = useAction();
  const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
  return (
    <form
      className="form"
      onSubmit={async (e) => {
        e.preventDefault();
        const draft = start === 'fallback' ? starterGraph() : emptyGraph();
        const created = await create.run(() => pipelineApi.create({ id, name: name.trim() || id, graph: draft }));
        if (created) navigate(`/pipelines/${encodeURIComponent(created.id)}`);
      }}
    >
      <Field id="pl-name" label="Name">
        <input
          id="pl-name"
          required
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            if (!idEdited) setId(slug(e.target.value));
          }}
          placeholder="e.g. Resilient chat"
        />
      </Field>
      <Field id="pl-id" label="Id" help="Letters, digits, - and _. Used in URLs and usage records.">
        <input id="pl-id" required pattern="[A-Za-z0-9_\-]{1,64}" value={id} onChange={(e) => (setId(e.target.value), setIdEdited(true))} />
      </Field>
      <fieldset>
        <legend>Start from</legend>
        <RadioRow
          name="start"
          value={start}
          onChange={setStart}
          options={[
            ['fallback', 'A fallback between two targets'],
            ['empty', 'An empty canvas'],
          ]}
        />
      </fieldset>
      <FormError error={create.error} />
      <FormActions busy={create.busy} label="Create and open the editor" busyLabel="Creating…" />
    </form>
  );
}
