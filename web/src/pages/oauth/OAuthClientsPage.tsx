import { useState } from 'react';
import { api, ApiError } from '../../api/client';
import { useAction } from '../../api/use-action';
import { useResource } from '../../api/use-resource';
import { Dialog } from '../../components/Dialog';
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
      {del.error && (
        <p className="error-text" role="alert">
          {del.error}
        </p>
      )}
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
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Client</th>
                  <th className="hide-narrow">Redirect URIs</th>
                  <th className="hide-narrow">Scopes</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {clients.data!.data.map((c) => (
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
                      <button
                        type="button"
                        className="danger small"
                        aria-label={`Delete ${c.name}`}
                        disabled={del.busy}
                        onClick={() => confirm(`Delete ${c.name}? Its tokens stop working at once.`) && void del.run(() => api(`/api/oauth/clients/${c.id}`, { method: 'DELETE' })).then(clients.reload)}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
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
            <div className="field">
              <label htmlFor="oauth-client-id">Client id</label>
              <input id="oauth-client-id" className="mono" readOnly value={secret.id} onFocus={(e) => e.target.select()} />
            </div>
            <div className="field">
              <label htmlFor="oauth-client-secret">Client secret</label>
              <input id="oauth-client-secret" className="mono" readOnly value={secret.secret} onFocus={(e) => e.target.select()} />
            </div>
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
      <div className="field">
        <label htmlFor="oauth-name">Name</label>
        <input id="oauth-name" required value={name} onChange={(e) => setName(e.target.value)} placeholder="shown on the consent screen" />
      </div>
      {!client && (
        <fieldset>
          <legend>Type</legend>
          <div className="radio-row">
            <label className="check">
              <input type="radio" name="oauth-type" checked={type === 'confidential'} onChange={() => setType('confidential')} /> Confidential (a server that keeps a secret)
            </label>
            <label className="check">
              <input type="radio" name="oauth-type" checked={type === 'public'} onChange={() => setType('public')} /> Public (a browser or mobile app: PKCE, no secret)
            </label>
          </div>
        </fieldset>
      )}
      <div className="field">
        <label htmlFor="oauth-uris">Redirect URIs (one per line)</label>
        <textarea id="oauth-uris" rows={3} required className="mono" value={uris} onChange={(e) => setUris(e.target.value)} placeholder="https://app.example.com/callback" />
        <small className="help">Absolute https URLs (http only for localhost), no fragment.</small>
      </div>
      <fieldset>
        <legend>Scopes it may ask for</legend>
        <div className="checks">
          {SCOPES.map((s) => (
            <label key={s} className="check">
              <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes((cur) => (e.target.checked ? [...cur, s] : cur.filter((x) => x !== s)))} /> {s}
            </label>
          ))}
        </div>
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={firstParty} onChange={(e) => setFirstParty(e.target.checked)} /> First party (your own app: people are not asked to consent)
      </label>
      {save.error && (
        <p className="error-text" role="alert">
          {save.error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" disabled={save.busy || scopes.length === 0}>
          {save.busy ? 'Saving…' : client ? 'Save changes' : 'Register client'}
        </button>
      </div>
    </form>
  );
}
