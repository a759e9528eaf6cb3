import { api, ApiError } from '../../api/client';
import { useResource } from '../../api/use-resource';
import { Empty, ErrorState, Loading } from '../../components/states';
import { fmtTime } from '../../format';
import { Link } from '../../router';

interface OAuthClient {
  id: string;
  name: string;
  redirectUris?: string[];
  createdAt?: number;
}

/**
 * OAuth clients. The OAuth server is a later feature: until the server offers /api/oauth/clients,
 * this page says so instead of offering buttons that cannot work.
 */
export function OAuthClientsPage() {
  const clients = useResource((signal) =>
    api<{ data: OAuthClient[] }>('/api/oauth/clients', { signal }).then(
      (r) => ({ available: true as const, data: r.data }),
      (err) => {
        if (err instanceof ApiError && err.status === 404) return { available: false as const, data: [] as OAuthClient[] };
        throw err;
      },
    ),
  );
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>OAuth clients</h1>
          <p className="muted">Applications that let people sign in with Switchyard and call models on their behalf.</p>
        </div>
      </header>
      {clients.loading ? (
        <Loading what="Asking the server" />
      ) : clients.error ? (
        <ErrorState error={clients.error} retry={clients.reload} />
      ) : !clients.data!.available ? (
        <Empty title="OAuth is not available on this server.">
          This version of Switchyard has no OAuth authorization server, so there are no clients to manage. Applications authenticate with <Link to="/keys">API keys</Link> instead. When the
          server gains OAuth (the <code>auth-oauth</code> plugin), clients appear here.
        </Empty>
      ) : clients.data!.data.length === 0 ? (
        <Empty title="No OAuth clients yet." />
      ) : (
        <section className="card">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Client id</th>
                <th>Redirect URIs</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {clients.data!.data.map((c) => (
                <tr key={c.id}>
                  <td>{c.name}</td>
                  <td>
                    <code>{c.id}</code>
                  </td>
                  <td className="small">{c.redirectUris?.join(', ') ?? '—'}</td>
                  <td>{fmtTime(c.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
