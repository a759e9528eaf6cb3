import { useState } from 'react';
import { api, ApiError } from '../api/client';
import type { PluginView, ProviderView } from '../api/types';
import { useAction } from '../api/use-action';
import { useResource } from '../api/use-resource';
import { atLeast, useUser } from '../auth/session';
import { Field, FormActions, FormError, SubmitButton } from '../components/form';
import { SchemaForm } from '../components/SchemaForm';
import { Empty, ErrorState, Loading } from '../components/states';

export function ProvidersPage() {
  const providers = useResource((signal) => api<{ data: ProviderView[] }>('/api/providers', { signal }));
  const plugins = useResource((signal) => api<{ data: PluginView[] }>('/api/plugins', { signal }));
  const [adding, setAdding] = useState(false);
  const canEdit = atLeast(useUser().role, 'admin');
  if (providers.loading || plugins.loading) return <Loading what="Loading providers" />;
  if (providers.error || plugins.error) return <ErrorState error={providers.error ?? plugins.error} retry={() => (providers.reload(), plugins.reload())} />;
  const providerPlugins = plugins.data!.data.filter((p) => p.kind === 'provider');
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Providers</h1>
          <p className="muted">Upstreams the gateway calls, each with its settings and a pool of credentials.</p>
        </div>
        {canEdit && (
          <button type="button" onClick={() => setAdding((a) => !a)} aria-expanded={adding}>
            {adding ? 'Cancel' : 'Add provider'}
          </button>
        )}
      </header>
      {adding && <AddProvider plugins={providerPlugins} onDone={() => (setAdding(false), providers.reload())} />}
      {providers.data!.data.length === 0 ? (
        <Empty title="No providers yet.">{canEdit ? 'Add one with “Add provider”, or declare it in switchyard.config.yaml.' : 'An administrator adds providers.'}</Empty>
      ) : (
        providers.data!.data.map((p) => <ProviderCard key={p.id} provider={p} plugin={providerPlugins.find((x) => x.id === p.plugin)} onChange={providers.reload} canEdit={canEdit} />)
      )}
    </div>
  );
}

function AddProvider({ plugins, onDone }: { plugins: PluginView[]; onDone: () => void }) {
  const [plugin, setPlugin] = useState(plugins[0]?.id ?? '');
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [settings, setSettings] = useState<Record<string, unknown>>({});
  const save = useAction();
  const manifest = plugins.find((p) => p.id === plugin);
  return (
    <form
      className="card form"
      aria-label="Add provider"
      onSubmit={async (e) => {
        e.preventDefault();
        const created = await save.run(async () => {
          await api('/api/providers', { method: 'POST', body: { id, plugin, name: name || id, settings } });
          return true;
        });
        if (created) onDone();
      }}
    >
      <Field id="provider-plugin" label="Type">
        <select id="provider-plugin" value={plugin} onChange={(e) => (setPlugin(e.target.value), setSettings({}))}>
          {plugins.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </Field>
      <Field id="provider-id" label="Id" help="Lowercase letters, digits, - _ . — clients can address its models as id/model.">
        <input id="provider-id" required pattern="[a-z0-9][a-z0-9_.\-]{0,63}" placeholder="e.g. openai-main" value={id} onChange={(e) => setId(e.target.value)} />
      </Field>
      <Field id="provider-name" label="Display name">
        <input id="provider-name" value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <fieldset>
        <legend>Settings</legend>
        <SchemaForm schema={manifest?.settingsSchema} value={settings} onChange={setSettings} idPrefix="new-provider" />
      </fieldset>
      <FormError error={save.error} />
      <SubmitButton busy={save.busy} label="Create provider" />
    </form>
  );
}

function ProviderCard({ provider, plugin, onChange, canEdit }: { provider: ProviderView; plugin?: PluginView; onChange: () => void; canEdit: boolean }) {
  const [test, setTest] = useState<{ ok: boolean | null; message: string } | null>(null);
  const [editing, setEditing] = useState(false);
  const [addingCred, setAddingCred] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      onChange();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <section className="card" aria-label={`Provider ${provider.id}`}>
      <div className="card-head">
        <div>
          <h2>
            {provider.name} <code className="muted">{provider.id}</code>
          </h2>
          <div className="muted small">
            {plugin?.name ?? provider.plugin} · from {provider.source}
          </div>
        </div>
        <span className={`badge ${provider.status === 'ready' ? 'ok' : 'bad'}`}>{provider.status === 'ready' ? 'ready' : provider.problem ?? 'unavailable'}</span>
      </div>
      {canEdit && (
        <div className="actions">
          <button
            type="button"
            className="secondary"
            disabled={test?.ok === null}
            onClick={async () => {
              setTest({ ok: null, message: 'Testing…' });
              try {
                const r = await api<{ ok: boolean; message: string }>(`/api/providers/${provider.id}/test`, { method: 'POST', body: {} });
                setTest(r);
              } catch (err) {
                setTest({ ok: false, message: err instanceof Error ? err.message : String(err) });
              }
            }}
          >
            Test connection
          </button>
          {plugin?.settingsSchema && Object.keys(plugin.settingsSchema.properties ?? {}).length > 0 && (
            <button type="button" className="secondary" aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
              {editing ? 'Close settings' : 'Settings'}
            </button>
          )}
          <button type="button" className="secondary" onClick={() => act(() => api(`/api/providers/${provider.id}`, { method: 'PATCH', body: { enabled: !provider.enabled } }))}>
            {provider.enabled ? 'Disable' : 'Enable'}
          </button>
          <button type="button" className="danger" onClick={() => confirm(`Delete provider ${provider.id} and its credentials and models?`) && act(() => api(`/api/providers/${provider.id}`, { method: 'DELETE' }))}>
            Delete
          </button>
          {test && (
            <span role="status" className={test.ok === null ? 'muted' : test.ok ? 'good-text' : 'bad-text'}>
              {test.ok === null ? '' : test.ok ? '✓ ' : '✗ '}
              {test.message}
            </span>
          )}
        </div>
      )}
      {editing && plugin && <ProviderSettings provider={provider} plugin={plugin} onDone={() => (setEditing(false), onChange())} />}
      <FormError error={error} />
      <h3>Credentials</h3>
      {provider.credentials.length === 0 ? (
        <p className="muted">No credentials{plugin?.credentialSchema ? ' — add one so requests can reach the upstream.' : ' (this provider needs none).'}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Weight</th>
              <th>State</th>
              {canEdit && <th />}
            </tr>
          </thead>
          <tbody>
            {provider.credentials.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td>{c.weight}</td>
                <td>
                  <span className={`badge ${c.state === 'active' ? 'ok' : c.state === 'cooling' ? 'warn' : 'bad'}`}>{c.state}</span>
                  {c.reason && <div className="muted small">{c.reason}</div>}
                  {c.state === 'cooling' && c.cooldownUntil && <div className="muted small">until {new Date(c.cooldownUntil).toLocaleTimeString()}</div>}
                </td>
                {canEdit && (
                <td className="row-actions">
                  {c.state === 'disabled' && (
                    <button type="button" className="secondary" onClick={() => act(() => api(`/api/credentials/${c.id}`, { method: 'PATCH', body: { enabled: true } }))}>
                      Re-enable
                    </button>
                  )}
                  <button type="button" className="danger" onClick={() => confirm(`Delete credential ${c.name}?`) && act(() => api(`/api/credentials/${c.id}`, { method: 'DELETE' }))}>
                    Delete
                  </button>
                </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canEdit && plugin?.credentialSchema && (
        <>
          <button type="button" className="secondary" onClick={() => setAddingCred((a) => !a)} aria-expanded={addingCred}>
            {addingCred ? 'Cancel' : 'Add credential'}
          </button>
          {addingCred && <AddCredential provider={provider} plugin={plugin} onDone={() => (setAddingCred(false), onChange())} />}
        </>
      )}
    </section>
  );
}

function AddCredential({ provider, plugin, onDone }: { provider: ProviderView; plugin: PluginView; onDone: () => void }) {
  const [name, setName] = useState('');
  const [weight, setWeight] = useState(1);
  const [secret, setSecret] = useState<Record<string, unknown>>({});
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="form inline-form"
      aria-label={`Add credential to ${provider.id}`}
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await api(`/api/providers/${provider.id}/credentials`, { method: 'POST', body: { name, weight, secret } });
          onDone();
        } catch (err) {
          setError(err instanceof ApiError ? err.message : String(err));
        }
      }}
    >
      <Field id={`cred-name-${provider.id}`} label="Name">
        <input id={`cred-name-${provider.id}`} required value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field id={`cred-weight-${provider.id}`} label="Weight">
        <input id={`cred-weight-${provider.id}`} type="number" min={0} max={1000} value={weight} onChange={(e) => setWeight(Number(e.target.value))} />
      </Field>
      <SchemaForm schema={plugin.credentialSchema} value={secret} onChange={setSecret} idPrefix={`cred-${provider.id}`} />
      <p className="muted small">Secrets are encrypted at rest (AES-256-GCM) and never shown again.</p>
      <FormError error={error} />
      <button type="submit">Save credential</button>
    </form>
  );
}

function ProviderSettings({ provider, plugin, onDone }: { provider: ProviderView; plugin: PluginView; onDone: () => void }) {
  const [settings, setSettings] = useState<Record<string, unknown>>(provider.settings ?? {});
  const [name, setName] = useState(provider.name);
  const save = useAction();
  return (
    <form
      className="form inline-form"
      aria-label={`Settings of ${provider.id}`}
      onSubmit={async (e) => {
        e.preventDefault();
        const saved = await save.run(async () => {
          await api(`/api/providers/${provider.id}`, { method: 'PATCH', body: { name, settings } });
          return true;
        });
        if (saved) onDone();
      }}
    >
      <Field id={`pname-${provider.id}`} label="Display name">
        <input id={`pname-${provider.id}`} value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <SchemaForm schema={plugin.settingsSchema} value={settings} onChange={setSettings} idPrefix={`set-${provider.id}`} />
      {provider.source === 'config' && <p className="muted small">This provider comes from the config file: a restart applies the file again.</p>}
      <FormError error={save.error} />
      <FormActions busy={save.busy} label="Save settings" />
    </form>
  );
}
