import { useState } from 'react';
import type { AccountView, LedgerEntry } from '../../api/billing';
import { api } from '../../api/client';
import type { UserView } from '../../api/identity';
import { useAction } from '../../api/use-action';
import { useResource } from '../../api/use-resource';
import { DataTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { Field, FormActions, FormError } from '../../components/form';
import { Empty, ErrorState, Loading } from '../../components/states';
import { creditsToMicros, fmtCredits, fmtTime } from '../../format';

type Kind = 'topups' | 'grants' | 'adjustments';
const KIND_LABEL: Record<Kind, string> = { topups: 'Top-up (paid credits)', grants: 'Grant (free credits, may expire)', adjustments: 'Adjustment (+ or −, a correction)' };

/** Adds credits to an account (creating it when `ensure` is given and it does not exist yet). */
export function TopUpForm({ accountId, ensure, onDone }: { accountId: string; ensure?: { kind: 'user' | 'project'; ownerId: string }; onDone: () => void }) {
  const [kind, setKind] = useState<Kind>('topups');
  const [credits, setCredits] = useState('');
  const [memo, setMemo] = useState('');
  const [days, setDays] = useState('');
  const save = useAction();
  const micros = creditsToMicros(credits);
  const invalid = credits !== '' && (Number.isNaN(micros) || (kind !== 'adjustments' && micros <= 0) || micros === 0);
  return (
    <form
      className="form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (invalid) return;
        const done = await save.run(async () => {
          if (ensure) await api('/api/billing/accounts', { method: 'POST', body: ensure });
          return api(`/api/billing/accounts/${encodeURIComponent(accountId)}/${kind}`, {
            method: 'POST',
            body: { credits: credits.trim(), ...(memo.trim() ? { memo: memo.trim() } : {}), ...(kind === 'grants' && days ? { expiresInDays: Number(days) } : {}) },
          });
        });
        if (done !== undefined) onDone();
      }}
    >
      <Field id="credit-kind" label="Kind">
        <select id="credit-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          {(Object.keys(KIND_LABEL) as Kind[]).map((k) => (
            <option key={k} value={k}>
              {KIND_LABEL[k]}
            </option>
          ))}
        </select>
      </Field>
      <Field id="credit-amount" label="Credits">
        <input id="credit-amount" required inputMode="decimal" value={credits} onChange={(e) => setCredits(e.target.value)} placeholder="e.g. 25 or 0.5" aria-invalid={invalid} />
        {invalid && <small className="error-text">{kind === 'adjustments' ? 'A non-zero number, up to 6 decimals.' : 'A positive number, up to 6 decimals.'}</small>}
      </Field>
      {kind === 'grants' && (
        <Field id="credit-days" label="Expires after (days)">
          <input id="credit-days" type="number" min={1} value={days} onChange={(e) => setDays(e.target.value)} placeholder="never" />
        </Field>
      )}
      <Field id="credit-memo" label="Memo">
        <input id="credit-memo" maxLength={500} value={memo} onChange={(e) => setMemo(e.target.value)} placeholder="shown in the ledger" />
      </Field>
      <FormError error={save.error} />
      <FormActions busy={save.busy} disabled={invalid} label="Add to the ledger" />
    </form>
  );
}

export function CreditsPanel() {
  const accounts = useResource((signal) => api<{ data: AccountView[] }>('/api/billing/accounts?limit=1000', { signal }));
  const users = useResource((signal) => api<{ data: UserView[] }>('/api/users', { signal }).catch(() => ({ data: [] as UserView[] })));
  const [selected, setSelected] = useState<string | null>(null);
  const [adding, setAdding] = useState<string | null>(null);
  const [newProject, setNewProject] = useState(false);
  if (accounts.loading) return <Loading what="Loading accounts" />;
  if (accounts.error) return <ErrorState error={accounts.error} retry={accounts.reload} />;
  const emailOf = new Map((users.data?.data ?? []).map((u) => [u.id, u.email]));
  const list = accounts.data!.data.filter((a) => a.kind === 'user' || a.kind === 'project');
  return (
    <>
      <section className="card" aria-label="Credit accounts">
        <div className="card-head">
          <p className="muted small">Each user or project that pays holds an account. Balances are spendable credits; held credits are reserved for requests in flight.</p>
          <button type="button" className="secondary" onClick={() => setNewProject(true)}>
            Add project account
          </button>
        </div>
        <DataTable
          columns={['Account', ['Balance', 'num'], ['Held', 'num hide-narrow'], ['Credit line', 'num hide-narrow'], '']}
          rows={list}
          empty={<Empty title="No credit accounts yet.">Add credits to a user on the Users tab (its account is created then), or add a project account.</Empty>}
          row={(a) => (
            <tr key={a.id} className={selected === a.id ? 'selected' : undefined}>
              <td>
                {a.kind === 'user' ? (emailOf.get(a.ownerId) ?? a.ownerId) : `project ${a.ownerId}`}
                <div className="muted small">
                  <code>{a.id}</code>
                </div>
              </td>
              <td className={`num${a.balance < 0 ? ' bad-text' : ''}`}>{fmtCredits(a.balance)}</td>
              <td className="num hide-narrow">{fmtCredits(a.held)}</td>
              <td className="num hide-narrow">{fmtCredits(a.creditLimit)}</td>
              <td className="row-actions">
                <button type="button" className="secondary small" onClick={() => setAdding(a.id)} aria-label={`Add credits to ${a.id}`}>
                  Add credits
                </button>
                <button type="button" className="secondary small" aria-pressed={selected === a.id} onClick={() => setSelected(selected === a.id ? null : a.id)}>
                  Ledger
                </button>
              </td>
            </tr>
          )}
        />
      </section>
      {selected && <Ledger accountId={selected} />}
      <Dialog title={`Add credits to ${adding ?? ''}`} open={adding !== null} onClose={() => setAdding(null)}>
        {adding && <TopUpForm accountId={adding} onDone={() => (setAdding(null), accounts.reload())} />}
      </Dialog>
      <Dialog title="Add a project account" open={newProject} onClose={() => setNewProject(false)}>
        {newProject && <ProjectForm onDone={() => (setNewProject(false), accounts.reload())} />}
      </Dialog>
    </>
  );
}

function ProjectForm({ onDone }: { onDone: () => void }) {
  const [owner, setOwner] = useState('');
  const save = useAction();
  return (
    <form
      className="form"
      onSubmit={async (e) => {
        e.preventDefault();
        if ((await save.run(() => api('/api/billing/accounts', { method: 'POST', body: { kind: 'project', ownerId: owner.trim() } }))) !== undefined) onDone();
      }}
    >
      <Field id="project-id" label="Project id" help="Keys created with this project id spend from this account.">
        <input id="project-id" required pattern="[^/\s]{1,200}" value={owner} onChange={(e) => setOwner(e.target.value)} />
      </Field>
      <FormError error={save.error} />
      <FormActions busy={save.busy} label="Create account" busyLabel="Create account" />
    </form>
  );
}

function Ledger({ accountId }: { accountId: string }) {
  const entries = useResource((signal) => api<{ data: LedgerEntry[] }>(`/api/billing/accounts/${encodeURIComponent(accountId)}/ledger?limit=100`, { signal }), [accountId]);
  return (
    <section className="card" aria-label={`Ledger of ${accountId}`}>
      <h2>
        Ledger · <code>{accountId}</code>
      </h2>
      {entries.loading ? (
        <Loading />
      ) : entries.error ? (
        <ErrorState error={entries.error} retry={entries.reload} />
      ) : (
        <DataTable
          className="dense"
          columns={['When', 'Kind', ['Amount', 'num'], 'Memo / request']}
          rows={entries.data!.data}
          empty={<p className="muted">No entries yet.</p>}
          row={(e) => {
            const amount = e.lines.filter((l) => l.account === accountId).reduce((a, l) => a + l.amount, 0);
            return (
              <tr key={e.id}>
                <td className="nowrap">{fmtTime(e.createdAt)}</td>
                <td>{e.kind}</td>
                <td className={`num ${amount < 0 ? 'bad-text' : 'good-text'}`}>
                  {amount > 0 ? '+' : ''}
                  {fmtCredits(amount)}
                </td>
                <td className="small">{e.memo ?? (e.requestId ? <code>{e.requestId}</code> : '—')}</td>
              </tr>
            );
          }}
        />
      )}
    </section>
  );
}
