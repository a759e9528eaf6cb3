import { useState } from 'react';
import { api } from '../../api/client';
import type { ApiKeyInfo, UserView } from '../../api/identity';
import { useAction } from '../../api/use-action';
import { useResource } from '../../api/use-resource';
import { atLeast, useUser } from '../../auth/session';
import { ConfirmButton } from '../../components/ConfirmButton';
import { DataTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { Checkbox, FormError } from '../../components/form';
import { Empty, ErrorState, Loading } from '../../components/states';
import { fmtCredits, fmtRelative, fmtTime } from '../../format';
import { NewKeyForm } from './NewKeyForm';
import { ShowOnce } from './ShowOnce';

/** API keys: everyone sees their own, admins everyone's. Members and up create and revoke. */
export function KeysPage() {
  const me = useUser();
  const isAdmin = atLeast(me.role, 'admin');
  const canCreate = atLeast(me.role, 'member');
  const keys = useResource((signal) => api<{ data: ApiKeyInfo[] }>('/api/keys', { signal }));
  const users = useResource((signal) => (isAdmin ? api<{ data: UserView[] }>('/api/users', { signal }) : Promise.resolve({ data: [] as UserView[] })));
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<(ApiKeyInfo & { key: string }) | null>(null);
  const [showRevoked, setShowRevoked] = useState(false);
  const revoke = useAction();
  if (keys.loading) return <Loading what="Loading keys" />;
  if (keys.error) return <ErrorState error={keys.error} retry={keys.reload} />;
  const emailOf = new Map((users.data?.data ?? []).map((u) => [u.id, u.email]));
  const all = keys.data!.data;
  const list = all.filter((k) => showRevoked || k.status === 'active');
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>API keys</h1>
          <p className="muted">{isAdmin ? 'Every key on this server.' : 'Your keys.'} Clients send a key as “Authorization: Bearer …” to /v1.</p>
        </div>
        {canCreate && (
          <button type="button" onClick={() => setCreating(true)}>
            Create key
          </button>
        )}
      </header>
      <FormError error={revoke.error} />
      <section className="card" aria-label="Keys">
        <div className="card-head">
          <Checkbox checked={showRevoked} onChange={setShowRevoked}>
            Show revoked and expired keys ({all.filter((k) => k.status !== 'active').length})
          </Checkbox>
        </div>
        <DataTable
          columns={['Name', 'Key', isAdmin && ['Owner', 'hide-narrow'], ['Scopes & limits', 'hide-narrow'], 'Last used', 'Status', canCreate && '']}
          rows={list}
          empty={<Empty title={all.length ? 'No active keys.' : 'No keys yet.'}>{canCreate ? 'Create one with “Create key”; you will see its secret once.' : 'Your role cannot create keys; ask a member or an administrator.'}</Empty>}
          row={(k) => (
            <tr key={k.id}>
              <td>
                {k.name}
                <div className="muted small">created {fmtTime(k.createdAt)}</div>
              </td>
              <td className="nowrap">
                <code>{k.display}</code>
              </td>
              {isAdmin && <td className="hide-narrow">{emailOf.get(k.userId) ?? k.userId}</td>}
              <td className="hide-narrow small">
                {k.scopes.join(', ')}
                {k.allowedModels && <div className="muted">models: {k.allowedModels.join(', ')}</div>}
                {(k.limits.rpm || k.limits.tpm) && (
                  <div className="muted">
                    {k.limits.rpm ? `${k.limits.rpm} rpm ` : ''}
                    {k.limits.tpm ? `${k.limits.tpm} tpm` : ''}
                  </div>
                )}
                {k.budget && (
                  <div className="muted">
                    budget {fmtCredits(k.budget.microCredits)} / {k.budget.period}
                  </div>
                )}
              </td>
              <td>{fmtRelative(k.lastUsedAt)}</td>
              <td>
                <span className={`badge ${k.status === 'active' ? 'ok' : 'bad'}`}>{k.status}</span>
                {k.expiresAt && k.status === 'active' && <div className="muted small">expires {fmtRelative(k.expiresAt)}</div>}
              </td>
              {canCreate && (
                <td className="row-actions">
                  {k.status === 'active' && (
                    <ConfirmButton action={revoke} label={`Revoke key ${k.name}`} question={`Revoke “${k.name}” (${k.display})? Clients using it stop working at once.`} call={() => api(`/api/keys/${k.id}`, { method: 'DELETE' })} then={keys.reload}>
                      Revoke
                    </ConfirmButton>
                  )}
                </td>
              )}
            </tr>
          )}
        />
      </section>
      <Dialog title="Create an API key" open={creating} onClose={() => setCreating(false)} wide>
        {creating && (
          <NewKeyForm
            users={isAdmin ? (users.data?.data ?? []) : []}
            me={me}
            onCreated={(k) => {
              setCreating(false);
              setCreated(k);
              keys.reload();
            }}
          />
        )}
      </Dialog>
      <Dialog title="Your new API key" open={created !== null} onClose={() => setCreated(null)}>
        {created && <ShowOnce created={created} onDone={() => setCreated(null)} />}
      </Dialog>
    </div>
  );
}
