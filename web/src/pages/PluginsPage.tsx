import { api } from '../api/client';
import type { PluginView, RefusedPluginView } from '../api/types';
import { useResource } from '../api/use-resource';
import { Empty, ErrorState, Loading } from '../components/states';

export function PluginsPage() {
  const { data, error, loading, reload } = useResource((signal) => api<{ data: PluginView[]; refused: RefusedPluginView[] }>('/api/plugins', { signal }));
  if (loading) return <Loading what="Loading plugins" />;
  if (error) return <ErrorState error={error} retry={reload} />;
  const kinds = ['provider', 'auth', 'billing', 'node'] as const;
  return (
    <div className="page">
      <header className="page-header">
        <h1>Plugins</h1>
        <p className="muted">Plugins are packages in <code>plugins/</code> or npm dependencies that declare themselves. A refused plugin is listed with the reasons; everything else keeps running.</p>
      </header>
      {data!.refused.length > 0 && (
        <section className="card warn" aria-label="Refused plugins">
          <h2>Refused</h2>
          <ul>
            {data!.refused.map((r) => (
              <li key={r.name}>
                <strong>{r.name}</strong> {r.package && <span className="muted">({r.package})</span>}: {r.reasons.join('; ')}
              </li>
            ))}
          </ul>
        </section>
      )}
      {kinds.map((kind) => {
        const list = data!.data.filter((p) => p.kind === kind);
        return (
          <section key={kind} className="card">
            <h2>{kind[0].toUpperCase() + kind.slice(1)} plugins</h2>
            {list.length === 0 ? (
              <Empty title={`No ${kind} plugins loaded.`}>Add a package under plugins/ (see docs/plugins.md).</Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>Id</th>
                    <th>Name</th>
                    <th>Version</th>
                    <th>Host range</th>
                    <th>Settings</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((p) => (
                    <tr key={p.id}>
                      <td>
                        <code>{p.id}</code>
                      </td>
                      <td>
                        {p.name}
                        {p.description && <div className="muted small">{p.description}</div>}
                      </td>
                      <td>{p.version}</td>
                      <td>
                        <code>{p.hostRange}</code>
                      </td>
                      <td>{Object.keys(p.settingsSchema?.properties ?? {}).join(', ') || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        );
      })}
    </div>
  );
}
