import { useState } from 'react';
import { query } from '../../api/analytics';
import { api } from '../../api/client';
import type { AuditEntry, AuditVerification } from '../../api/identity';
import { useAction } from '../../api/use-action';
import { usePages } from '../../api/use-pages';
import { DataTable } from '../../components/DataTable';
import { Field, FormError } from '../../components/form';
import { ErrorState, MorePages } from '../../components/states';
import { fmtTime } from '../../format';

interface Filters {
  action: string;
  actor: string;
  targetType: string;
  outcome: string;
  from: string;
  to: string;
}
const EMPTY: Filters = { action: '', actor: '', targetType: '', outcome: '', from: '', to: '' };

/** Date inputs give local dates; the API takes epoch ms. `to` includes the whole day. */
function toQuery(f: Filters): Record<string, string | undefined> {
  const day = (s: string, end: boolean) => (s ? String(new Date(`${s}T00:00:00`).getTime() + (end ? 86_400_000 : 0)) : undefined);
  return { action: f.action.trim() || undefined, actor: f.actor.trim() || undefined, targetType: f.targetType.trim() || undefined, outcome: f.outcome || undefined, from: day(f.from, false), to: day(f.to, true) };
}

/** The hash-chained audit log: filter, page back, export as CSV, and verify the chain. */
export function AuditPage() {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [open, setOpen] = useState<number | null>(null);
  const [verification, setVerification] = useState<AuditVerification | null>(null);
  const verify = useAction();

  const pages = usePages(
    (before: number | null, signal) =>
      api<{ data: AuditEntry[]; nextBefore: number | null }>(`/api/audit?${query({ ...toQuery(filters), limit: 50, before: before ?? undefined })}`, { signal }).then((page) => ({ rows: page.data, next: page.nextBefore })),
    JSON.stringify(filters),
  );

  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Audit log</h1>
          <p className="muted">Every change and sign-in, each entry chained to the one before by its hash, so a rewritten history shows.</p>
        </div>
        <div className="toolbar">
          <button type="button" className="secondary" disabled={verify.busy} onClick={() => void verify.run(async () => setVerification(await api<AuditVerification>('/api/audit/verify')))}>
            {verify.busy ? 'Verifying…' : 'Verify chain'}
          </button>
          <a className="button secondary" href={`/api/audit.csv?${query(toQuery(filters))}`} download>
            Export CSV
          </a>
        </div>
      </header>
      <FormError error={verify.error} />
      {verification && (
        <div className={`banner ${verification.ok ? 'ok' : 'bad'}`} role="status">
          {verification.ok ? (
            <>
              ✓ The chain is intact: {verification.count} entries checked, head #{verification.head.seq} <code>{verification.head.hash.slice(0, 16)}…</code>
            </>
          ) : (
            <>
              ✗ The chain is broken at entry #{verification.problem?.seq}: {verification.problem?.reason}
            </>
          )}
        </div>
      )}
      <form
        className="card filters"
        aria-label="Filter the audit log"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <Field id="audit-action" label="Action">
          <input id="audit-action" value={draft.action} onChange={set('action')} placeholder="e.g. key.* or auth.login" />
        </Field>
        <Field id="audit-actor" label="Actor id">
          <input id="audit-actor" value={draft.actor} onChange={set('actor')} placeholder="user or key id" />
        </Field>
        <Field id="audit-target" label="Target type">
          <input id="audit-target" value={draft.targetType} onChange={set('targetType')} placeholder="e.g. user, api_key" />
        </Field>
        <Field id="audit-outcome" label="Outcome">
          <select id="audit-outcome" value={draft.outcome} onChange={set('outcome')}>
            <option value="">any</option>
            <option value="success">success</option>
            <option value="failure">failure</option>
            <option value="denied">denied</option>
          </select>
        </Field>
        <Field id="audit-from" label="From">
          <input id="audit-from" type="date" value={draft.from} onChange={set('from')} />
        </Field>
        <Field id="audit-to" label="To">
          <input id="audit-to" type="date" value={draft.to} onChange={set('to')} />
        </Field>
        <div className="form-actions">
          <button type="submit">Apply</button>
          <button type="button" className="secondary" onClick={() => (setDraft(EMPTY), setFilters(EMPTY))}>
            Reset
          </button>
        </div>
      </form>
      <section className="card" aria-label="Entries">
        {pages.error ? <ErrorState error={pages.error} retry={pages.reload} /> : null}
        <DataTable
          className="dense"
          columns={['#', 'When', 'Action', 'Actor', ['Target', 'hide-narrow'], 'Outcome', '']}
          rows={pages.rows}
          empty={!pages.error && !pages.loading && <p className="muted">No entries match these filters.</p>}
          row={(e) => <AuditRow key={e.seq} entry={e} open={open === e.seq} toggle={() => setOpen(open === e.seq ? null : e.seq)} />}
        />
        <MorePages pages={pages} loading="Loading entries" more="Load older entries" />
      </section>
    </div>
  );
}

function AuditRow({ entry: e, open, toggle }: { entry: AuditEntry; open: boolean; toggle: () => void }) {
  return (
    <>
      <tr>
        <td className="muted">{e.seq}</td>
        <td className="nowrap">{fmtTime(e.at)}</td>
        <td>
          <code>{e.action}</code>
        </td>
        <td>
          {e.actor.label ?? e.actor.id ?? '—'}
          <div className="muted small">{e.actor.type}</div>
        </td>
        <td className="hide-narrow">{e.target ? `${e.target.type} ${e.target.label ?? e.target.id ?? ''}` : '—'}</td>
        <td>
          <span className={`badge ${e.outcome === 'success' ? 'ok' : 'bad'}`}>{e.outcome}</span>
        </td>
        <td>
          <button type="button" className="link-button" aria-expanded={open} onClick={toggle}>
            {open ? 'Hide' : 'Details'}
          </button>
        </td>
      </tr>
      {open && (
        <tr className="details-row">
          <td colSpan={7}>
            <dl className="kv">
              <dt>IP</dt>
              <dd>{e.ip ?? '—'}</dd>
              <dt>Request</dt>
              <dd>{e.requestId ? <code>{e.requestId}</code> : '—'}</dd>
              <dt>Hash</dt>
              <dd>
                <code className="small">{e.hash}</code>
              </dd>
            </dl>
            <pre className="mono code">{JSON.stringify(e.details, null, 2)}</pre>
          </td>
        </tr>
      )}
    </>
  );
}
