import { useState } from 'react';
import { api, ApiError } from '../../api/client';
import { useAction } from '../../api/use-action';
import { useResource } from '../../api/use-resource';
import { ConfirmButton } from '../../components/ConfirmButton';
import { DataTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { Checkbox, CheckList, Field, FormActions, FormError, RadioRow } from '../../components/form';
import { Empty, ErrorState, Loading } from '../../components/states';
import { fmtTime } from '../../format';
import { Link } from '../../router';

/* /api/oauth/clients (server/src/oauth/client-routes.ts). */
interface OAuthClient {
  id: string;
  name: string;
  type: 'confidential' | 'public';
  redirectUris: string[];
  scopes: string[];
  firstParty: boolean;
  createdAt: number;
  updatedAt: number;
}

const SCOPES = ['chat', 'embeddings', 'images', 'models'];

/**
 * OAuth clients: applications that let people sign in with Switchyard and call models on their
 * behalf. A server without the OAuth server answers 404 here, and the page says so.
 */
export function OAuthClientsPage() {
  const clients = useResource((signal) =>
    api<{ data: OAuthClient[] }>('/api/oauth/clients', { signal }).then(
      (r) => ({ available: true as const, data: r.data }),
      (err) => {
        if (err instanceof ApiError && err.status === 404 && err.code === 'unknown_url') return { available: false as const, data: [] as OAuthClient[] };
        throw err;
      },
    ),
  );
  const [editing, setEditing] = useState<OAuthClient | 'new' | null>(null);
  const [secret, setSecret] = useState<{ name: string; id: string; secret: string } | null>(null);
  const del = useAction();
  const available = clients.data?.available;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>OAuth clients</h1>
          <p className="muted">Applications that let people sign in with Switchyard and call models on their behalf (authorization code with PKCE).</p>
        </div>
        {available && (
          <button type="button" onClick={() => setEditing('new')}>
            Register client
          </button>
        )}
      </header>
      <FormError error={del.error} />
      {clients.loading ? (
        <Loading what="Asking the server" />
      ) : clients.error ? (
        <ErrorState error={clients.error} retry={clients.reload} />
      ) : !available ? (
        <Empty title="OAuth is not available on this server.">
          This server has no OAuth authorization server, so there are no clients to manage. Applications authenticate with <Link to="/keys">API keys</Link> instead.
        </Empty>
      ) : clients.data!.data.length === 0 ? (
        <Empty title="No OAuth clients yet.">Register one with “Register client”: its name, whether it can keep a secret, and where to send people back after they consent.</Empty>
      ) : (
        <section className="card">
          <DataTable
            columns={['Client', ['Redirect URIs', 'hide-narrow'], ['Scopes', 'hide-narrow'], '']}
            rows={clients.data!.data}
            row={(c) => (
              <tr key={c.id}>
                <td>
                  {c.name} {c.firstParty && <span className="tag">first party</span>}
                  <div className="muted small">
                    <code>{c.id}</code> · {c.type} · since {fmtTime(c.createdAt)}
                  </div>
                </td>
                <td className="hide-narrow small">{c.redirectUris.join(', ')}</td>
                <td className="hide-narrow small">{c.scopes.join(', ')}</td>
                <td className="row-actions">
                  <button type="button" className="secondary small" aria-label={`Edit ${c.name}`} onClick={() => setEditing(c)}>
                    Edit
                  </button>
                  <ConfirmButton action={del} label={`Delete ${c.name}`} question={`Delete ${c.name}? Its tokens stop working at once.`} call={() => api(`/api/oauth/clients/${c.id}`, { method: 'DELETE' })} then={clients.reload}>
                    Delete
                  </ConfirmButton>
                </td>
              </tr>
            )}
          />
        </section>
      )}
      <Dialog title={editing === 'new' ? 'Register an OAuth client' : `Edit ${editing?.name ?? ''}`} open={editing !== null} onClose={() => setEditing(null)} wide>
        {editing !== null && (
          <ClientForm
            client={editing === 'new' ? undefined : editing}
            onSaved={(saved) => {
              setEditing(null);
              if (saved.clientSecret) setSecret({ name: saved.name, id: saved.id, secret: saved.clientSecret });
              clients.reload();
            }}
          />
        )}
      </Dialog>
      <Dialog title="The client secret" open={secret !== null} onClose={() => setSecret(null)}>
        {secret && (
          <div className="form">
            <p>
              Give <strong>{secret.name}</strong> its client id and this secret now. The secret is shown <strong>only this once</strong>.
            </p>
            <Field id="oauth-client-id" label="Client id">
              <input id="oauth-client-id" className="mono" readOnly value={secret.id} onFocus={(e) => e.target.select()} />
            </Field>
            <Field id="oauth-client-secret" label="Client secret">
              <input id="oauth-client-secret" className="mono" readOnly value={secret.secret} onFocus={(e) => e.target.select()} />
            </Field>
            <div className="form-actions">
              <button type="button" onClick={() => setSecret(null)}>
                I have copied it
              </button>
            </div>
          </div>
        )}
      </Dialog>
    </div>
  );
}

function ClientForm({ client, onSaved }: { client?: OAuthClient; onSaved: (c: OAuthClient & { clientSecret?: string }) => void }) {
  const [name, setName] = useState(client?.name ?? '');
  const [type, setType] = useState<OAuthClient['type']>(client?.type ?? 'confidential');
  const [uris, setUris] = useState(client?.redirectUris.join('\n') ?? '');
  const [scopes, setScopes] = useState<string[]>(client?.scopes ?? SCOPES);
  const [firstParty, setFirstParty] = useState(client?.firstParty ?? false);
  const save = useAction();
  return (
    <form
      className="form"
      onSubmit={async (e) => {
        e.preventDefault();
        const body = { name: name.trim(), redirectUris: uris.split('\n').map((u) => u.trim()).filter(Boolean), scopes, firstParty };
        const saved = await save.run(() =>
          client ? api<OAuthClient>(`/api/oauth/clients/${client.id}`, { method: 'PATCH', body }) : api<OAuthClient & { clientSecret?: string }>('/api/oauth/clients', { method: 'POST', body: { ...body, type } }),
        );
        if (saved) onSaved(saved);
      }}
    >
      <Field id="oauth-name" label="Name">
        <input id="oauth-name" required value={name} onChange={(e) => setName(e.target.value)} placeholder="shown on the consent screen" />
      </Field>
      {!client && (
        <fieldset>
          <legend>Type</legend>
          <RadioRow
            name="oauth-type"
            value={type}
            onChange={setType}
            options={[
              ['confidential', 'Confidential (a server that keeps a secret)'],
              ['public', 'Public (a browser or mobile app: PKCE, no secret)'],
            ]}
          />
        </fieldset>
      )}
      <Field id="oauth-uris" label="Redirect URIs (one per line)" help="Absolute https URLs (http only for localhost), no fragment.">
        <textarea id="oauth-uris" rows={3} required className="mono" value={uris} onChange={(e) => setUris(e.target.value)} placeholder="https://app.example.com/callback" />
      </Field>
      <CheckList legend="Scopes it may ask for" options={SCOPES} value={scopes} onChange={setScopes} />
      <Checkbox checked={firstParty} onChange={setFirstParty}>
        First party (your own app: people are not asked to consent)
      </Checkbox>
      <FormError error={save.error} />
      <FormActions busy={save.busy} disabled={scopes.length === 0} label={client ? 'Save changes' : 'Register client'} />
    </form>
  );
}
