import { useState } from 'react';
import type { BudgetView } from '../../api/billing';
import { api } from '../../api/client';
import type { ApiKeyInfo, UserView } from '../../api/identity';
import { useAction } from '../../api/use-action';
import { useResource } from '../../api/use-resource';
import { ConfirmButton } from '../../components/ConfirmButton';
import { DataTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { Field, FormActions, FormError } from '../../components/form';
import { Empty, ErrorState, Loading } from '../../components/states';
import { creditsToMicros, fmtCredits } from '../../format';

/** Spending limits per key, user or project and period, with what was spent in the current window. */
export function BudgetsPanel() {
  const budgets = useResource((signal) => api<{ data: BudgetView[] }>('/api/billing/budgets', { signal }));
  const users = useResource((signal) => api<{ data: UserView[] }>('/api/users', { signal }).catch(() => ({ data: [] as UserView[] })));
  const keys = useResource((signal) => api<{ data: ApiKeyInfo[] }>('/api/keys', { signal }).catch(() => ({ data: [] as ApiKeyInfo[] })));
  const [editing, setEditing] = useState<BudgetView | 'new' | null>(null);
  const del = useAction();
  if (budgets.loading) return <Loading what="Loading budgets" />;
  if (budgets.error) return <ErrorState error={budgets.error} retry={budgets.reload} />;
  const nameOf = (b: BudgetView) =>
    b.scope === 'user' ? (users.data?.data.find((u) => u.id === b.scopeId)?.email ?? b.scopeId) : b.scope === 'key' ? (keys.data?.data.find((k) => k.id === b.scopeId)?.name ?? b.scopeId) : b.scopeId;
  return (
    <section className="card" aria-label="Budgets">
      <div className="card-head">
        <p className="muted small">A soft limit logs and notifies; a hard limit refuses requests (429) until the period ends. Periods are UTC.</p>
        <button type="button" onClick={() => setEditing('new')}>
          Add budget
        </button>
      </div>
      <FormError error={del.error} />
      <DataTable
        columns={['Applies to', 'Period', 'Spent', ['Soft', 'num hide-narrow'], ['Hard', 'num hide-narrow'], '']}
        rows={budgets.data!.data}
        empty={<Empty title="No budgets.">Add one to cap what a key, a user or a project may spend per day, week or month.</Empty>}
        row={(b) => {
          const limit = b.hardLimit ?? b.softLimit;
          const ratio = limit ? Math.min(1, b.spent / limit) : 0;
          return (
            <tr key={b.id}>
              <td>
                {b.scope} <strong>{nameOf(b)}</strong>
              </td>
              <td>
                {b.period} <span className="muted small">({b.window})</span>
              </td>
              <td>
                {fmtCredits(b.spent)}
                {limit ? (
                  <div className={`meter${b.hardLimit && b.spent >= b.hardLimit ? ' over' : b.softLimit && b.spent >= b.softLimit ? ' warn' : ''}`} role="meter" aria-valuemin={0} aria-valuemax={limit} aria-valuenow={b.spent} aria-label="Spent of the limit">
                    <span style={{ width: `${ratio * 100}%` }} />
                  </div>
                ) : null}
              </td>
              <td className="num hide-narrow">{fmtCredits(b.softLimit)}</td>
              <td className="num hide-narrow">{fmtCredits(b.hardLimit)}</td>
              <td className="row-actions">
                <button type="button" className="secondary small" onClick={() => setEditing(b)} aria-label={`Edit budget of ${nameOf(b)}`}>
                  Edit
                </button>
                <ConfirmButton action={del} label={`Delete budget of ${nameOf(b)}`} question="Delete this budget?" call={() => api(`/api/billing/budgets/${b.id}`, { method: 'DELETE' })} then={budgets.reload}>
                  Delete
                </ConfirmButton>
              </td>
            </tr>
          );
        }}
      />
      <Dialog title={editing === 'new' ? 'Add budget' : 'Edit budget'} open={editing !== null} onClose={() => setEditing(null)}>
        {editing !== null && <BudgetForm budget={editing === 'new' ? undefined : editing} users={users.data?.data ?? []} keys={keys.data?.data ?? []} onDone={() => (setEditing(null), budgets.reload())} />}
      </Dialog>
    </section>
  );
}

function BudgetForm({ budget, users, keys, onDone }: { budget?: BudgetView; users: UserView[]; keys: ApiKeyInfo[]; onDone: () => void }) {
  const [scope, setScope] = useState<BudgetView['scope']>(budget?.scope ?? 'user');
  const [scopeId, setScopeId] = useState(budget?.scopeId ?? users[0]?.id ?? '');
  const [period, setPeriod] = useState<BudgetView['period']>(budget?.period ?? 'month');
  const [soft, setSoft] = useState(budget?.softLimit != null ? String(budget.softLimit / 1e6) : '');
  const [hard, setHard] = useState(budget?.hardLimit != null ? String(budget.hardLimit / 1e6) : '');
  const save = useAction();
  const limit = (s: string) => (s.trim() === '' ? null : creditsToMicros(s));
  const bad = [soft, hard].some((s) => s.trim() !== '' && !(creditsToMicros(s) >= 0));
  return (
    <form
      className="form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (bad) return;
        const limits = { softLimit: limit(soft), hardLimit: limit(hard) };
        const done = budget
          ? await save.run(() => api(`/api/billing/budgets/${budget.id}`, { method: 'PATCH', body: limits }))
          : await save.run(() => api('/api/billing/budgets', { method: 'PUT', body: { scope, scopeId: scopeId.trim(), period, ...limits } }));
        if (done !== undefined) onDone();
      }}
    >
      {!budget && (
        <>
          <div className="grid-2">
            <Field id="budget-scope" label="Applies to a">
              <select
                id="budget-scope"
                value={scope}
                onChange={(e) => {
                  const s = e.target.value as BudgetView['scope'];
                  setScope(s);
                  setScopeId(s === 'user' ? (users[0]?.id ?? '') : s === 'key' ? (keys[0]?.id ?? '') : '');
                }}
              >
                <option value="user">user</option>
                <option value="key">API key</option>
                <option value="project">project</option>
              </select>
            </Field>
            <Field id="budget-target" label={scope === 'project' ? 'Project id' : scope === 'key' ? 'Key' : 'User'}>
              {scope === 'project' ? (
                <input id="budget-target" required value={scopeId} onChange={(e) => setScopeId(e.target.value)} />
              ) : (
                <select id="budget-target" required value={scopeId} onChange={(e) => setScopeId(e.target.value)}>
                  {(scope === 'user' ? users.map((u) => [u.id, u.email]) : keys.filter((k) => k.status === 'active').map((k) => [k.id, `${k.name} (${k.display})`])).map(([id, label]) => (
                    <option key={id} value={id}>
                      {label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <Field id="budget-period" label="Period">
            <select id="budget-period" value={period} onChange={(e) => setPeriod(e.target.value as BudgetView['period'])}>
              <option value="day">day</option>
              <option value="week">week</option>
              <option value="month">month</option>
            </select>
          </Field>
        </>
      )}
      <div className="grid-2">
        <Field id="budget-soft" label="Soft limit (credits)">
          <input id="budget-soft" inputMode="decimal" value={soft} onChange={(e) => setSoft(e.target.value)} placeholder="none" />
        </Field>
        <Field id="budget-hard" label="Hard limit (credits)">
          <input id="budget-hard" inputMode="decimal" value={hard} onChange={(e) => setHard(e.target.value)} placeholder="none" />
        </Field>
      </div>
      {bad && <p className="error-text">Limits are non-negative numbers of credits, up to 6 decimals.</p>}
      <FormError error={save.error} />
      <FormActions busy={save.busy} disabled={bad || (!budget && !scopeId)} label="Save budget" />
    </form>
  );
}
