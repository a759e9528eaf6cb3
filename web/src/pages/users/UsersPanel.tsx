import { useState } from 'react';
import type { AccountView } from '../../api/billing';
import { api } from '../../api/client';
import type { UserView } from '../../api/identity';
import { useAction } from '../../api/use-action';
import { useResource } from '../../api/use-resource';
import { useUser, type Role } from '../../auth/session';
import { ConfirmButton } from '../../components/ConfirmButton';
import { DataTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { Checkbox, Field, FormActions, FormError } from '../../components/form';
import { Empty, ErrorState, Loading } from '../../components/states';
import { fmtCredits, fmtRelative } from '../../format';
import { TopUpForm } from './CreditsPanel';

const ROLE_HELP: Record<Role, string> = {
  viewer: 'reads dashboards and settings',
  member: 'also uses the playground and creates own keys',
  admin: 'manages everything except owners',
  owner: 'everything, including owners',
};

export function UsersPanel() {
  const me = useUser();
  const users = useResource((signal) => api<{ data: UserView[] }>('/api/users', { signal }));
  const accounts = useResource((signal) => api<{ data: AccountView[] }>('/api/billing/accounts?kind=user&limit=1000', { signal }).catch(() => ({ data: [] as AccountView[] })));
  const [editing, setEditing] = useState<UserView | 'new' | null>(null);
  const [topUp, setTopUp] = useState<UserView | null>(null);
  const del = useAction();
  if (users.loading) return <Loading what="Loading users" />;
  if (users.error) return <ErrorState error={users.error} retry={users.reload} />;
  const balance = new Map((accounts.data?.data ?? []).map((a) => [a.ownerId, a]));
  return (
    <section className="card" aria-label="Users">
      <div className="card-head">
        <p className="muted small">Roles: {Object.entries(ROLE_HELP).map(([r, h]) => `${r} ${h}`).join('; ')}.</p>
        <button type="button" onClick={() => setEditing('new')}>
          Add user
        </button>
      </div>
      <FormError error={del.error} />
      <DataTable
        columns={['User', 'Role', ['Last sign-in', 'hide-narrow'], ['Credits', 'num'], '']}
        rows={users.data!.data}
        empty={<Empty title="No users.">Add one with “Add user”.</Empty>}
        row={(u) => {
          const acct = balance.get(u.id);
          const ownerOnly = u.role === 'owner' && me.role !== 'owner';
          return (
            <tr key={u.id}>
              <td>
                {u.name || u.email}
                {u.id === me.id && <span className="tag">you</span>}
                <div className="muted small">{u.email}</div>
              </td>
              <td>
                <span className={`badge role-${u.role}`}>{u.role}</span>
                {u.disabled && <span className="badge bad">disabled</span>}
                {!u.hasPassword && <div className="muted small">no password set</div>}
              </td>
              <td className="hide-narrow">{fmtRelative(u.lastLoginAt)}</td>
              <td className="num">
                {acct ? fmtCredits(acct.balance) : <span className="muted">no account</span>}
                {acct && acct.held > 0 && <div className="muted small">{fmtCredits(acct.held)} held</div>}
              </td>
              <td className="row-actions">
                <button type="button" className="secondary small" onClick={() => setTopUp(u)} aria-label={`Add credits to ${u.email}`}>
                  Add credits
                </button>
                {!ownerOnly && (
                  <button type="button" className="secondary small" onClick={() => setEditing(u)} aria-label={`Edit ${u.email}`}>
                    Edit
                  </button>
                )}
                {!ownerOnly && u.id !== me.id && (
                  <ConfirmButton action={del} label={`Delete ${u.email}`} question={`Delete ${u.email}? Their keys and sessions end now.`} call={() => api(`/api/users/${u.id}`, { method: 'DELETE' })} then={users.reload}>
                    Delete
                  </ConfirmButton>
                )}
              </td>
            </tr>
          );
        }}
      />
      <Dialog title={editing === 'new' ? 'Add user' : `Edit ${editing?.email ?? ''}`} open={editing !== null} onClose={() => setEditing(null)}>
        {editing !== null && <UserForm user={editing === 'new' ? undefined : editing} canMakeOwner={me.role === 'owner'} onDone={() => (setEditing(null), users.reload())} />}
      </Dialog>
      <Dialog title={`Add credits to ${topUp?.email ?? ''}`} open={topUp !== null} onClose={() => setTopUp(null)}>
        {topUp && <TopUpForm accountId={`user:${topUp.id}`} ensure={{ kind: 'user', ownerId: topUp.id }} onDone={() => (setTopUp(null), accounts.reload())} />}
      </Dialog>
    </section>
  );
}

function UserForm({ user, canMakeOwner, onDone }: { user?: UserView; canMakeOwner: boolean; onDone: () => void }) {
  const [email, setEmail] = useState(user?.email ?? '');
  const [name, setName] = useState(user?.name ?? '');
  const [role, setRole] = useState<Role>(user?.role ?? 'member');
  const [password, setPassword] = useState('');
  const [disabled, setDisabled] = useState(user?.disabled ?? false);
  const save = useAction();
  const roles: Role[] = canMakeOwner ? ['viewer', 'member', 'admin', 'owner'] : ['viewer', 'member', 'admin'];
  return (
    <form
      className="form"
      onSubmit={async (e) => {
        e.preventDefault();
        const done = user
          ? await save.run(() =>
              api(`/api/users/${user.id}`, {
                method: 'PATCH',
                body: { ...(name.trim() && name !== user.name ? { name: name.trim() } : {}), ...(role !== user.role ? { role } : {}), ...(disabled !== user.disabled ? { disabled } : {}), ...(password ? { password } : {}) },
              }),
            )
          : await save.run(() => api('/api/users', { method: 'POST', body: { email: email.trim(), role, ...(name.trim() ? { name: name.trim() } : {}), ...(password ? { password } : {}) } }));
        if (done !== undefined) onDone();
      }}
    >
      <Field id="user-email" label="Email">
        <input id="user-email" type="email" required readOnly={Boolean(user)} value={email} onChange={(e) => setEmail(e.target.value)} />
      </Field>
      <Field id="user-name" label="Name">
        <input id="user-name" value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field id="user-role" label="Role">
        <select id="user-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {r} — {ROLE_HELP[r]}
            </option>
          ))}
        </select>
      </Field>
      <Field id="user-password" label={user ? 'New password' : 'Password'} help={user ? 'Setting one signs the user out everywhere.' : 'Without one, the user cannot sign in until an admin sets it.'}>
        <input id="user-password" type="password" autoComplete="new-password" minLength={10} value={password} onChange={(e) => setPassword(e.target.value)} placeholder={user ? 'leave empty to keep' : 'at least 10 characters'} />
      </Field>
      {user && (
        <Checkbox checked={disabled} onChange={setDisabled}>
          Disabled (cannot sign in; keys stop working)
        </Checkbox>
      )}
      <FormError error={save.error} />
      <FormActions busy={save.busy} label={user ? 'Save changes' : 'Add user'} />
    </form>
  );
}
