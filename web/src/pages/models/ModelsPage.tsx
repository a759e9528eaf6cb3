import { useState } from 'react';
import type { V1Model } from '../../api/billing';
import { api } from '../../api/client';
import type { ModelView, ProviderView } from '../../api/types';
import { useAction } from '../../api/use-action';
import { useResource } from '../../api/use-resource';
import { atLeast, useUser } from '../../auth/session';
import { ConfirmButton } from '../../components/ConfirmButton';
import { DataTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { Checkbox, CheckList, Field, FormActions, FormError } from '../../components/form';
import { Empty, ErrorState, Loading } from '../../components/states';
import { PricesPanel } from './PricesPanel';
import { ProviderSelect } from './ProviderSelect';

const CAPABILITIES = ['chat', 'streaming', 'tools', 'json', 'vision', 'reasoning', 'embeddings', 'images'];

export function ModelsPage() {
  const [tab, setTab] = useState<'models' | 'prices'>('models');
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Models & prices</h1>
          <p className="muted">Models clients can name in requests, and what each costs you and your users.</p>
        </div>
        <div className="tabs" role="tablist" aria-label="Section">
          <button type="button" role="tab" aria-selected={tab === 'models'} className={tab === 'models' ? 'tab active' : 'tab'} onClick={() => setTab('models')}>
            Models
          </button>
          <button type="button" role="tab" aria-selected={tab === 'prices'} className={tab === 'prices' ? 'tab active' : 'tab'} onClick={() => setTab('prices')}>
            Prices
          </button>
        </div>
      </header>
      {tab === 'models' ? <ModelsPanel /> : <PricesPanel />}
    </div>
  );
}

function ModelsPanel() {
  const user = useUser();
  const canEdit = atLeast(user.role, 'admin');
  const models = useResource((signal) => api<{ data: ModelView[] }>('/api/models', { signal }));
  const priced = useResource((signal) => api<{ data: V1Model[] }>('/v1/models', { signal }).catch(() => ({ data: [] as V1Model[] })));
  const providers = useResource((signal) => api<{ data: ProviderView[] }>('/api/providers', { signal }));
  const [editing, setEditing] = useState<ModelView | 'new' | null>(null);
  const [filter, setFilter] = useState('');
  const del = useAction();
  if (models.loading || providers.loading) return <Loading what="Loading models" />;
  if (models.error || providers.error) return <ErrorState error={models.error ?? providers.error} retry={() => (models.reload(), providers.reload())} />;
  const pricing = new Map((priced.data?.data ?? []).map((m) => [m.id, m.pricing]));
  const list = models.data!.data.filter((m) => !filter || `${m.id} ${m.providerId} ${m.upstreamModel} ${m.aliases.join(' ')}`.toLowerCase().includes(filter.toLowerCase()));
  return (
    <section className="card" aria-label="Models">
      <div className="card-head">
        <Field id="model-filter" label="Find" inline>
          <input id="model-filter" type="search" placeholder="model, provider or alias" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </Field>
        {canEdit && (
          <button type="button" onClick={() => setEditing('new')} disabled={providers.data!.data.length === 0} title={providers.data!.data.length === 0 ? 'Add a provider first' : undefined}>
            Add model
          </button>
        )}
      </div>
      <FormError error={del.error} />
      {models.data!.data.length === 0 ? (
        <Empty title="No models yet.">{canEdit ? 'Add one with “Add model”: name it, pick the provider and the upstream model id.' : 'An administrator adds models.'}</Empty>
      ) : (
        <DataTable
          columns={['Model', 'Provider', ['Capabilities', 'hide-narrow'], ['Input / 1M', 'num'], ['Output / 1M', 'num'], 'State', canEdit && '']}
          rows={list}
          empty={<p className="muted">Nothing matches “{filter}”.</p>}
          row={(m) => {
            const p = pricing.get(m.id);
            return (
              <tr key={m.id}>
                <td>
                  <code>{m.id}</code>
                  {m.upstreamModel !== m.id && <div className="muted small">upstream: {m.upstreamModel}</div>}
                  {m.aliases.length > 0 && <div className="muted small">aliases: {m.aliases.join(', ')}</div>}
                </td>
                <td>{m.providerId}</td>
                <td className="hide-narrow">
                  {m.capabilities.map((c) => (
                    <span key={c} className="tag">
                      {c}
                    </span>
                  ))}
                </td>
                <td className="num">{p?.input_per_1m ?? p?.embedding_per_1m ?? (p?.per_image ? `${Object.values(p.per_image)[0]}/img` : <span className="muted">no price</span>)}</td>
                <td className="num">{p?.output_per_1m ?? '—'}</td>
                <td>
                  <span className={`badge ${m.enabled ? 'ok' : 'bad'}`}>{m.enabled ? 'enabled' : 'disabled'}</span>
                  <div className="muted small">from {m.source}</div>
                </td>
                {canEdit && (
                  <td className="row-actions">
                    <button type="button" className="secondary small" onClick={() => setEditing(m)} aria-label={`Edit ${m.id}`}>
                      Edit
                    </button>
                    <ConfirmButton action={del} label={`Delete ${m.id}`} question={`Delete model ${m.id}? Clients naming it will get 404.`} call={() => api(`/api/models/${m.id}`, { method: 'DELETE' })} then={models.reload}>
                      Delete
                    </ConfirmButton>
                  </td>
                )}
              </tr>
            );
          }}
        />
      )}
      <p className="muted small">Prices are in credits per million tokens, as /v1/models shows them to clients. Set them under Prices.</p>
      <Dialog title={editing === 'new' ? 'Add model' : `Edit ${editing?.id ?? ''}`} open={editing !== null} onClose={() => setEditing(null)}>
        {editing !== null && <ModelForm model={editing === 'new' ? undefined : editing} providers={providers.data!.data} onDone={() => (setEditing(null), models.reload(), priced.reload())} />}
      </Dialog>
    </section>
  );
}

function ModelForm({ model, providers, onDone }: { model?: ModelView; providers: ProviderView[]; onDone: () => void }) {
  const [id, setId] = useState(model?.id ?? '');
  const [providerId, setProviderId] = useState(model?.providerId ?? providers[0]?.id ?? '');
  const [upstream, setUpstream] = useState(model?.upstreamModel ?? '');
  const [aliases, setAliases] = useState(model?.aliases.join(', ') ?? '');
  const [caps, setCaps] = useState<string[]>(model?.capabilities ?? ['chat', 'streaming']);
  const [enabled, setEnabled] = useState(model?.enabled ?? true);
  const save = useAction();
  return (
    <form
      className="form"
      onSubmit={async (e) => {
        e.preventDefault();
        const body = { providerId, upstreamModel: upstream.trim() || id.trim(), aliases: aliases.split(',').map((a) => a.trim()).filter(Boolean), capabilities: caps, enabled };
        const ok = await save.run(() => api(`/api/models/${id.trim()}`, { method: 'PUT', body }));
        if (ok !== undefined) onDone();
      }}
    >
      <Field id="model-id" label="Model id" help="What clients send as `model`.">
        <input id="model-id" required readOnly={Boolean(model)} value={id} onChange={(e) => setId(e.target.value)} placeholder="e.g. gpt-4o" />
      </Field>
      <Field id="model-provider" label="Provider">
        <ProviderSelect id="model-provider" providers={providers} value={providerId} onChange={setProviderId} />
      </Field>
      <Field id="model-upstream" label="Upstream model id">
        <input id="model-upstream" value={upstream} onChange={(e) => setUpstream(e.target.value)} placeholder="same as the model id" />
      </Field>
      <Field id="model-aliases" label="Aliases">
        <input id="model-aliases" value={aliases} onChange={(e) => setAliases(e.target.value)} placeholder="comma, separated" />
      </Field>
      <CheckList legend="Capabilities" options={CAPABILITIES} value={caps} onChange={setCaps} />
      <Checkbox checked={enabled} onChange={setEnabled}>
        Enabled
      </Checkbox>
      <FormError error={save.error} />
      <FormActions busy={save.busy} label="Save model" />
    </form>
  );
}
