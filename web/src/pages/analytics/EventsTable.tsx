import { useState } from 'react';
import { query, type UsageEventView } from '../../api/analytics';
import { api } from '../../api/client';
import { usePages } from '../../api/use-pages';
import { DataTable } from '../../components/DataTable';
import { ErrorState, MorePages } from '../../components/states';
import { errorMessage, fmtCredits, fmtInt, fmtMs, fmtTime } from '../../format';
import { StatusBadge } from '../dashboard/RecentRequests';

interface Page {
  data: UsageEventView[];
  nextCursor: string | null;
}

/** Stored request events for the current range and filters, newest first, paged with the server's cursor. */
export function EventsTable({ base }: { base: Record<string, string | undefined> }) {
  const [status, setStatus] = useState<'' | 'ok' | 'error'>('');
  const events = usePages(
    (before: string | null, signal) =>
      api<Page>(`/api/analytics/events?${query({ ...base, status, limit: 50, before: before ?? undefined })}`, { signal }).then((page) => ({ rows: page.data, next: page.nextCursor })),
    JSON.stringify([base, status]),
  );
  const { rows, error, loading } = events;

  return (
    <>
      <div className="toolbar">
        <label htmlFor="events-status">Show</label>
        <select id="events-status" value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
          <option value="">all requests</option>
          <option value="ok">succeeded only</option>
          <option value="error">failed only</option>
        </select>
        <a className="button secondary small" href={`/api/analytics/events?${query({ ...base, status, format: 'csv' })}`} download>
          Export CSV
        </a>
      </div>
      {error ? <ErrorState error={error} retry={events.reload} /> : null}
      <DataTable
        className="dense"
        columns={['Time', 'Status', 'Model', ['Served by', 'hide-narrow'], ['Pipeline', 'hide-narrow'], ['Attempts', 'num'], ['Latency', 'num'], ['Tokens', 'num'], ['Cost', 'num hide-narrow']]}
        rows={rows}
        empty={!error && !loading && <p className="muted">No requests in this range{status ? ` with that outcome` : ''}.</p>}
        row={(e) => (
          <tr key={e.id}>
            <td className="nowrap" title={e.requestId}>
              {fmtTime(e.time)}
            </td>
            <td>
              <StatusBadge status={e.status} errorType={e.errorCode ?? e.errorType} />
            </td>
            <td>
              <code>{e.requestedModel}</code>
            </td>
            <td className="hide-narrow">{e.providerId ? `${e.providerId}/${e.modelId ?? ''}` : '—'}</td>
            <td className="hide-narrow">{e.pipelineId ? `${e.pipelineId}${e.pipelineVersion ? ` v${e.pipelineVersion}` : ''}` : '—'}</td>
            <td className="num">{e.attempts}</td>
            <td className="num">{fmtMs(e.latencyMs)}</td>
            <td className="num">{fmtInt(e.promptTokens + e.completionTokens)}</td>
            <td className="num hide-narrow">{fmtCredits(e.costMicros)}</td>
          </tr>
        )}
      />
      <MorePages pages={events} loading="Loading requests" more="Load older requests" />
      {error && rows.length > 0 ? <p className="error-text">{errorMessage(error)}</p> : null}
    </>
  );
}
