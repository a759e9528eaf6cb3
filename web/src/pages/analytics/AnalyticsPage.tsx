import { useMemo, useState } from 'react';
import { DIMENSIONS, query, RANGES, type AnalyticsMetrics, type BreakdownRow, type Dimension, type RangeId, type Timeseries } from '../../api/analytics';
import { api } from '../../api/client';
import { useResource } from '../../api/use-resource';
import { Stat, TimeChart } from '../../components/charts';
import { DataTable } from '../../components/DataTable';
import { Empty, ErrorState, Loading } from '../../components/states';
import { fmtCompact, fmtCredits, fmtInt, fmtMs, fmtPercent } from '../../format';
import { EventsTable } from './EventsTable';

type Filters = Partial<Record<Dimension, string>>;

const DIMENSION_LABEL: Record<Dimension, string> = { provider: 'Provider', model: 'Model', user: 'User', key: 'API key', pipeline: 'Pipeline', project: 'Project', endpoint: 'Endpoint' };
const BREAKDOWNS: Dimension[] = ['provider', 'model', 'user', 'key', 'pipeline'];

/** Usage over a time range: totals, series, breakdowns by dimension (click a row to filter), raw events. */
export function AnalyticsPage() {
  const [rangeId, setRangeId] = useState<RangeId>('24h');
  const [filters, setFilters] = useState<Filters>({});
  const [by, setBy] = useState<Dimension>('model');
  const range = RANGES.find((r) => r.id === rangeId)!;
  const base = useMemo(() => ({ range: rangeId, ...filters }), [rangeId, filters]);
  const deps = [JSON.stringify(base)];

  const summary = useResource((signal) => api<{ totals: AnalyticsMetrics }>(`/api/analytics/summary?${query(base)}`, { signal }), deps);
  const series = useResource((signal) => api<Timeseries>(`/api/analytics/timeseries?${query({ ...base, bucket: range.bucket })}`, { signal }), deps);
  const breakdown = useResource((signal) => api<{ rows: BreakdownRow[] }>(`/api/analytics/breakdown?${query({ ...base, by, limit: 50 })}`, { signal }), [...deps, by]);

  const tick = (t: number) =>
    range.bucket === 'day' ? new Date(t).toLocaleDateString(undefined, { month: 'short', day: 'numeric' }) : range.bucket === 'hour' && rangeId !== '24h' ? new Date(t).toLocaleString(undefined, { weekday: 'short', hour: '2-digit' }) : new Date(t).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  const points = useMemo(
    () => (series.data?.points ?? []).map((p) => ({ t: p.t, ok: p.requests - p.errors, errors: p.errors, prompt: p.promptTokens, completion: p.completionTokens, cost: p.costMicros / 1e6, credits: p.creditsMicros / 1e6, p50: p.latencyMs?.p50 ?? null, p95: p.latencyMs?.p95 ?? null })),
    [series.data],
  );
  const t = summary.data?.totals;
  const activeFilters = Object.entries(filters) as Array<[Dimension, string]>;

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Analytics</h1>
          <p className="muted">From the usage rollups: minute resolution, kept per the retention settings.</p>
        </div>
        <div className="toolbar">
          <label htmlFor="range" className="sr-only">
            Time range
          </label>
          <select id="range" value={rangeId} onChange={(e) => setRangeId(e.target.value as RangeId)}>
            {RANGES.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
          <a className="button secondary" href={`/api/analytics/timeseries?${query({ ...base, bucket: range.bucket, format: 'csv' })}`} download>
            Export CSV
          </a>
        </div>
      </header>

      {activeFilters.length > 0 && (
        <div className="filter-bar" aria-label="Filters">
          <span className="muted small">Filtered to</span>
          {activeFilters.map(([dim, value]) => (
            <span className="chip" key={dim}>
              {DIMENSION_LABEL[dim]}: <strong>{value}</strong>
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove filter ${DIMENSION_LABEL[dim]} ${value}`}
                onClick={() =>
                  setFilters((f) => {
                    const next = { ...f };
                    delete next[dim];
                    return next;
                  })
                }
              >
                ×
              </button>
            </span>
          ))}
          <button type="button" className="link-button" onClick={() => setFilters({})}>
            Clear all
          </button>
        </div>
      )}

      {summary.error ? (
        <ErrorState error={summary.error} retry={summary.reload} />
      ) : (
        <section className="stats-row" aria-label="Totals" aria-busy={summary.loading}>
          <Stat label="Requests" value={fmtInt(t?.requests)} />
          <Stat label="Error rate" value={fmtPercent(t?.errorRate)} hint={t ? `${fmtInt(t.errors)} failed` : undefined} tone={t && t.errorRate > 0.05 ? 'bad' : undefined} />
          <Stat label="Tokens" value={fmtCompact(t?.totalTokens)} hint={t ? `${fmtCompact(t.promptTokens)} in · ${fmtCompact(t.completionTokens)} out` : undefined} />
          <Stat label="Cost" value={fmtCredits(t?.costMicros)} hint="credits (upstream)" />
          <Stat label="Charged" value={fmtCredits(t?.creditsMicros)} hint="credits (to callers)" />
          <Stat label="p50 / p95 latency" value={t?.latencyMs ? `${fmtMs(t.latencyMs.p50)} / ${fmtMs(t.latencyMs.p95)}` : '—'} />
        </section>
      )}

      {series.error ? (
        <ErrorState error={series.error} retry={series.reload} />
      ) : series.loading && !series.data ? (
        <Loading what="Loading the time series" />
      ) : (
        <div className="chart-grid">
          <TimeChart title="Requests" data={points} tickTime={tick} format={fmtCompact} series={[{ key: 'ok', label: 'Succeeded', color: 'var(--c-ok)', kind: 'bar', stack: 'r' }, { key: 'errors', label: 'Failed', color: 'var(--c-bad)', kind: 'bar', stack: 'r' }]} />
          <TimeChart title="Tokens" data={points} tickTime={tick} format={fmtCompact} series={[{ key: 'prompt', label: 'Prompt', color: 'var(--c-1)', stack: 't' }, { key: 'completion', label: 'Completion', color: 'var(--c-2)', stack: 't' }]} />
          <TimeChart title="Cost and charges (credits)" data={points} tickTime={tick} format={(v) => fmtCredits(v * 1e6)} series={[{ key: 'cost', label: 'Cost', color: 'var(--c-3)', kind: 'line' }, { key: 'credits', label: 'Charged', color: 'var(--c-5)', kind: 'line' }]} />
          <TimeChart title="Latency (ms)" data={points} tickTime={tick} format={fmtInt} series={[{ key: 'p50', label: 'p50', color: 'var(--c-1)', kind: 'line' }, { key: 'p95', label: 'p95', color: 'var(--c-4)', kind: 'line' }]} />
        </div>
      )}

      <section className="card" aria-labelledby="breakdown-title">
        <div className="card-head">
          <h2 id="breakdown-title">Breakdown</h2>
          <div className="tabs" role="tablist" aria-label="Break down by">
            {BREAKDOWNS.map((d) => (
              <button key={d} type="button" role="tab" aria-selected={by === d} className={by === d ? 'tab active' : 'tab'} onClick={() => setBy(d)}>
                {DIMENSION_LABEL[d]}
              </button>
            ))}
          </div>
        </div>
        <Breakdown
          by={by}
          state={breakdown}
          onPick={(key) => setFilters((f) => ({ ...f, [by]: key }))}
          filtered={Boolean(filters[by])}
          csvHref={`/api/analytics/breakdown?${query({ ...base, by, format: 'csv' })}`}
        />
      </section>

      <section className="card" aria-labelledby="events-title">
        <h2 id="events-title">Requests</h2>
        <EventsTable base={base} />
      </section>
    </div>
  );
}

function Breakdown({ by, state, onPick, filtered, csvHref }: { by: Dimension; state: { data?: { rows: BreakdownRow[] }; error?: unknown; loading: boolean; reload: () => void }; onPick: (key: string) => void; filtered: boolean; csvHref: string }) {
  if (state.error) return <ErrorState error={state.error} retry={state.reload} />;
  if (state.loading && !state.data) return <Loading />;
  const rows = state.data?.rows ?? [];
  if (rows.length === 0) return <Empty title="No traffic in this range.">Widen the time range, or clear the filters.</Empty>;
  const max = Math.max(...rows.map((r) => r.requests), 1);
  return (
    <>
      <DataTable
        className="dense"
        columns={[DIMENSION_LABEL[by], ['Requests', 'num'], ['Errors', 'num'], ['Tokens', 'num'], ['Cost', 'num'], ['Charged', 'num hide-narrow'], ['p95', 'num hide-narrow']]}
        rows={rows}
        row={(r) => (
          <tr key={r.key ?? '(none)'}>
            <td>
              {r.key === null ? (
                <span className="muted">(none)</span>
              ) : filtered ? (
                <code>{r.key}</code>
              ) : (
                <button type="button" className="link-button" title={`Show only ${r.key}`} onClick={() => onPick(r.key!)}>
                  <code>{r.key}</code>
                </button>
              )}
              <div className="bar" aria-hidden="true">
                <span style={{ width: `${(r.requests / max) * 100}%` }} />
              </div>
            </td>
            <td className="num">{fmtInt(r.requests)}</td>
            <td className="num">{r.errors ? `${fmtInt(r.errors)} (${fmtPercent(r.errorRate)})` : '0'}</td>
            <td className="num">{fmtCompact(r.totalTokens)}</td>
            <td className="num">{fmtCredits(r.costMicros)}</td>
            <td className="num hide-narrow">{fmtCredits(r.creditsMicros)}</td>
            <td className="num hide-narrow">{fmtMs(r.latencyMs?.p95)}</td>
          </tr>
        )}
      />
      <p className="small muted">
        Click a name to filter everything on this page to it. <a href={csvHref} download>Download this breakdown as CSV</a>.
      </p>
    </>
  );
}
