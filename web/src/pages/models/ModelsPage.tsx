import { useState } from 'react';
import type { V1Model } from '../../api/billing';
import { api } from '../../api/client';
import type { ModelView, ProviderView } from '../../api/types';
import { useAction } from '../../api/use-action';
import { useResource } from '../../api/use-resource';
import { atLeast, useUser } from '../../auth/session';
import { Dialog } from '../../components/Dialog';
import { Empty, ErrorState, Loading } from '../../components/states';
import { PricesPanel } from './PricesPanel';

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
        <div className="field inline">
          <label htmlFor="model-filter">Find</label>
          <input id="model-filter" type="search" placeholder="model, provider or alias" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </div>
        {canEdit && (
          <button type="button" onClick={() => setEditing('new')} disabled={providers.data!.data.length === 0} title={providers.data!.data.length === 0 ? 'Add a provider first' : undefined}>
            Add model
          </button>
        )}
      </div>
      {del.error && (
        <p className="error-text" role="alert">
          {del.error}
        </p>
      )}
      {models.data!.data.length === 0 ? (
        <Empty title="No models yet.">{canEdit ? 'Add one with “Add model”: name it, pick the provider and the upstream model id.' : 'An administrator adds models.'}</Empty>
      ) : list.length === 0 ? (
        <p className="muted">Nothing matches “{filter}”.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Model</th>
                <th>Provider</th>
                <th className="hide-narrow">Capabilities</th>
                <th className="num">Input / 1M</th>
                <th className="num">Output / 1M</th>
                <th>State</th>
                {canEdit && <th />}
              </tr>
            </thead>
            <tbody>
              {list.map((m) => {
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
                        <button
                          type="button"
                          className="danger small"
                          aria-label={`Delete ${m.id}`}
                          disabled={del.busy}
                          onClick={() => confirm(`Delete model ${m.id}? Clients naming it will get 404.`) && void del.run(() => api(`/api/models/${m.id}`, { method: 'DELETE' })).then(models.reload)}
                        >
                          Delete
                        </button>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
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
      <div className="field">
        <label htmlFor="model-id">Model id</label>
        <input id="model-id" required readOnly={Boolean(model)} value={id} onChange={(e) => setId(e.target.value)} placeholder="e.g. gpt-4o" />
        <small className="help">What clients send as `model`.</small>
      </div>
      <div className="field">
        <label htmlFor="model-provider">Provider</label>
        <select id="model-provider" value={providerId} onChange={(e) => setProviderId(e.target.value)}>
          {providers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} ({p.id})
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="model-upstream">Upstream model id</label>
        <input id="model-upstream" value={upstream} onChange={(e) => setUpstream(e.target.value)} placeholder="same as the model id" />
      </div>
      <div className="field">
        <label htmlFor="model-aliases">Aliases</label>
        <input id="model-aliases" value={aliases} onChange={(e) => setAliases(e.target.value)} placeholder="comma, separated" />
      </div>
      <fieldset>
        <legend>Capabilities</legend>
        <div className="checks">
          {CAPABILITIES.map((c) => (
            <label key={c} className="check">
              <input type="checkbox" checked={caps.includes(c)} onChange={(e) => setCaps((cs) => (e.target.checked ? [...cs, c] : cs.filter((x) => x !== c)))} /> {c}
            </label>
          ))}
        </div>
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled
      </label>
      {save.error && (
        <p className="error-text" role="alert">
          {save.error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" disabled={save.busy}>
          {save.busy ? 'Saving…' : 'Save model'}
        </button>
      </div>
    </form>
  );
}
