import type { LiveRequest } from '../../api/live';
import { DataTable } from '../../components/DataTable';
import { fmtClock, fmtCredits, fmtInt, fmtMs } from '../../format';

export function StatusBadge({ status, errorType }: { status: number; errorType?: string | null }) {
  const tone = status < 400 ? 'ok' : status === 429 || status === 499 ? 'warn' : 'bad';
  return (
    <span className={`badge ${tone}`} title={errorType ?? undefined}>
      {status}
    </span>
  );
}

/** The live feed's latest requests, newest first. */
export function RecentRequests({ requests, waiting }: { requests: LiveRequest[]; waiting: boolean }) {
  return (
    <DataTable
      className="dense"
      label="Recent requests"
      columns={['Time', 'Status', 'Model', ['Provider', 'hide-narrow'], ['Pipeline', 'hide-narrow'], ['Latency', 'num'], ['Tokens', 'num'], ['Cost', 'num hide-narrow']]}
      rows={requests}
      bodyProps={{ 'aria-live': 'polite', 'aria-relevant': 'additions' }}
      empty={
        <p className="muted" role="status">
          {waiting ? 'Waiting for the live feed…' : 'No requests yet. Send one from the Playground, or point a client at /v1 with an API key; it appears here within a second.'}
        </p>
      }
      row={(r) => (
        <tr key={r.id}>
          <td className="nowrap">{fmtClock(r.time)}</td>
          <td>
            <StatusBadge status={r.status} errorType={r.errorType} />
          </td>
          <td>
            <code>{r.model ?? '—'}</code>
            {r.stream && <span className="tag">stream</span>}
            {r.cacheHit && <span className="tag">cache</span>}
          </td>
          <td className="hide-narrow">{r.provider ?? '—'}</td>
          <td className="hide-narrow">{r.pipeline ?? '—'}</td>
          <td className="num">{fmtMs(r.latencyMs)}</td>
          <td className="num">{fmtInt(r.promptTokens + r.completionTokens)}</td>
          <td className="num hide-narrow">{fmtCredits(r.costMicros)}</td>
        </tr>
      )}
    />
  );
}
