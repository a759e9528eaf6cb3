import { useState } from 'react';
import type { BillingSettings } from '../api/billing';
import { api } from '../api/client';
import type { PluginView, RefusedPluginView } from '../api/types';
import { useAction } from '../api/use-action';
import { useResource } from '../api/use-resource';
import { atLeast, useUser } from '../auth/session';
import { FormError } from '../components/form';
import { SchemaForm } from '../components/SchemaForm';
import { Empty, ErrorState, Loading } from '../components/states';
import { Link } from '../router';

const KINDS = [
  ['provider', 'Provider plugins', 'Talk to an upstream: each configured provider is an instance with its own settings.'],
  ['billing', 'Billing rules', 'Turn usage and a price into credits. One rule is active at a time.'],
  ['auth', 'Auth plugins', 'Turn a request into a caller (keys, tokens).'],
  ['node', 'Pipeline node plugins', 'Extra node types for the pipeline editor’s palette.'],
] as const;

/** Installed plugins by kind, each with the settings form its manifest declares; refused ones with the reasons. */
export function PluginsPage() {
  const user = useUser();
  const isAdmin = atLeast(user.role, 'admin');
  const plugins = useResource((signal) => api<{ data: PluginView[]; refused: RefusedPluginView[] }>('/api/plugins', { signal }));
  const billing = useResource((signal) => api<BillingSettings>('/api/billing/settings', { signal }).catch(() => undefined));
  if (plugins.loading) return <Loading what="Loading plugins" />;
  if (plugins.error) return <ErrorState error={plugins.error} retry={plugins.reload} />;
  const { data, refused } = plugins.data!;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Plugins</h1>
          <p className="muted">
            Packages in <code>plugins/</code>, or npm dependencies that declare themselves. A plugin the server refuses is listed with the reasons; everything else keeps running.
          </p>
        </div>
      </header>
      {refused.length > 0 && (
        <section className="card warn" aria-label="Refused plugins">
          <h2>Refused at start</h2>
          <ul>
            {refused.map((r) => (
              <li key={r.name}>
                <strong>{r.name}</strong> {r.package && <span className="muted">({r.package})</span>}: {r.reasons.join('; ')}
              </li>
            ))}
          </ul>
        </section>
      )}
      {KINDS.map(([kind, title, blurb]) => {
        const list = data.filter((p) => p.kind === kind);
        return (
          <section key={kind} className="card" aria-labelledby={`kind-${kind}`}>
            <h2 id={`kind-${kind}`}>{title}</h2>
            <p className="muted small">{blurb}</p>
            {list.length === 0 ? (
              <Empty title={`No ${kind} plugins loaded.`}>Add a package under plugins/ and restart (docs/plugins.md explains the manifest).</Empty>
            ) : (
              <div className="plugin-list">
                {list.map((p) => (
                  <PluginCard key={p.id} plugin={p} isAdmin={isAdmin} billing={billing.data} onBillingChange={billing.reload} />
                ))}
              </div>
            )}
          </section>
        );
      })}
    </div>
  );
}

function PluginCard({ plugin: p, isAdmin, billing, onBillingChange }: { plugin: PluginView; isAdmin: boolean; billing?: BillingSettings; onBillingChange: () => void }) {
  const [open, setOpen] = useState(false);
  const fields = Object.keys(p.settingsSchema?.properties ?? {});
  const activeRule = p.kind === 'billing' && billing?.rule.plugin === p.id;
  return (
    <div className="plugin-item">
      <div className="plugin-head">
        <div>
          <strong>{p.name}</strong> <code className="muted">{p.id}</code>
          {activeRule && <span className="badge ok">active rule</span>}
          {p.description && <div className="muted small">{p.description}</div>}
          <div className="muted small">
            v{p.version} · host <code>{p.hostRange}</code>
            {p.package ? ` · ${p.package}` : ''}
          </div>
        </div>
        <button type="button" className="secondary small" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          {open ? 'Hide settings' : fields.length ? `Settings (${fields.length})` : 'Details'}
        </button>
      </div>
      {open && (
        <div className="plugin-body">
          {p.kind === 'billing' ? (
            <BillingRuleForm plugin={p} active={activeRule} current={activeRule ? billing?.rule.settings : undefined} canEdit={isAdmin && billing !== undefined} onSaved={onBillingChange} />
          ) : (
            <>
              <p className="muted small">
                {p.kind === 'provider' ? (
                  <>
                    Each provider of this type has its own values: set them on the <Link to="/providers">Providers</Link> page. The form a provider gets:
                  </>
                ) : (
                  'Set in the configuration file (docs/configuration.md). The settings it takes:'
                )}
              </p>
              <fieldset disabled className="preview">
                <SchemaForm schema={p.settingsSchema} value={{}} onChange={() => {}} idPrefix={`preview-${p.id}`} />
              </fieldset>
              {p.credentialSchema && (
                <p className="muted small">Credentials: {Object.keys(p.credentialSchema.properties ?? {}).join(', ')} (stored encrypted, per provider).</p>
              )}
            </>
          )}
        </div>
      )}
    </div>
  );
}

function BillingRuleForm({ plugin, active, current, canEdit, onSaved }: { plugin: PluginView; active: boolean; current?: Record<string, unknown>; canEdit: boolean; onSaved: () => void }) {
  const [settings, setSettings] = useState<Record<string, unknown>>(current ?? {});
  const save = useAction();
  const [done, setDone] = useState(false);
  return (
    <form
      className="form"
      onSubmit={async (e) => {
        e.preventDefault();
        setDone(false);
        const r = await save.run(() => api('/api/billing/settings', { method: 'PATCH', body: { rule: { plugin: plugin.id, settings } } }));
        if (r !== undefined) {
          setDone(true);
          onSaved();
        }
      }}
    >
      <fieldset disabled={!canEdit}>
        <legend>{active ? 'Settings of the active rule' : 'Settings'}</legend>
        <SchemaForm schema={plugin.settingsSchema} value={settings} onChange={setSettings} idPrefix={`rule-${plugin.id}`} />
      </fieldset>
      <FormError error={save.error} />
      {done && <p className="banner ok small" role="status">Saved: new requests are billed with {active ? 'these settings' : 'this rule'}.</p>}
      {canEdit ? (
        <div className="form-actions">
          <button type="submit" disabled={save.busy}>
            {active ? 'Save settings' : 'Make this the billing rule'}
          </button>
        </div>
      ) : (
        <p className="muted small">Administrators can change the billing rule.</p>
      )}
    </form>
  );
}
