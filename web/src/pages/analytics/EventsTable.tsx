import { useEffect, useState } from 'react';
import { query, type UsageEventView } from '../../api/analytics';
import { api } from '../../api/client';
import { ErrorState, Loading } from '../../components/states';
import { errorMessage, fmtCredits, fmtInt, fmtMs, fmtTime } from '../../format';
import { StatusBadge } from '../dashboard/RecentRequests';

interface Page {
  data: UsageEventView[];
  nextCursor: string | null;
}

/** Stored request events for the current range and filters, newest first, paged with the server's cursor. */
export function EventsTable({ base }: { base: Record<string, string | undefined> }) {
  const [status, setStatus] = useState<'' | 'ok' | 'error'>('');
  const [rows, setRows] = useState<UsageEventView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const key = JSON.stringify([base, status]);

  const load = async (before: string | null, signal?: AbortSignal) => {
    setLoading(true);
    setError(null);
    try {
      const page = await api<Page>(`/api/analytics/events?${query({ ...base, status, limit: 50, before: before ?? undefined })}`, { signal });
      setRows((r) => (before ? [...r, ...page.data] : page.data));
      setCursor(page.nextCursor);
    } catch (err) {
      if (!signal?.aborted) setError(err);
    } finally {
      if (!signal?.aborted) setLoading(false);
    }
  };
  useEffect(() => {
    const c = new AbortController();
    void load(null, c.signal);
    return () => c.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

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
      {error ? <ErrorState error={error} retry={() => void load(null)} /> : null}
      {!error && rows.length === 0 && !loading && <p className="muted">No requests in this range{status ? ` with that outcome` : ''}.</p>}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="dense">
            <thead>
              <tr>
                <th>Time</th>
                <th>Status</th>
                <th>Model</th>
                <th className="hide-narrow">Served by</th>
                <th className="hide-narrow">Pipeline</th>
                <th className="num">Attempts</th>
                <th className="num">Latency</th>
                <th className="num">Tokens</th>
                <th className="num hide-narrow">Cost</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
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
              ))}
            </tbody>
          </table>
        </div>
      )}
      {loading && <Loading what="Loading requests" />}
      {cursor && !loading && (
        <button type="button" className="secondary" onClick={() => void load(cursor)}>
          Load older requests
        </button>
      )}
      {error && rows.length > 0 ? <p className="error-text">{errorMessage(error)}</p> : null}
    </>
  );
}
