import { useMemo } from 'react';
import type { AnalyticsMetrics } from '../../api/analytics';
import { api } from '../../api/client';
import { useLiveFeed, type LivePoint } from '../../api/live';
import { useResource } from '../../api/use-resource';
import { Stat, TimeChart } from '../../components/charts';
import { ErrorState } from '../../components/states';
import { fmtClock, fmtCompact, fmtCredits, fmtInt, fmtMs, fmtPercent } from '../../format';
import { Link } from '../../router';
import { RecentRequests } from './RecentRequests';

const WINDOW = 10; // seconds averaged for the headline rates
const SPAN = 120; // seconds drawn

/** The last two minutes, one point a second, zeros where the feed had nothing (so the axis stays still). */
function padded(points: LivePoint[]): LivePoint[] {
  const last = points[points.length - 1];
  if (!last) return [];
  const byT = new Map(points.map((p) => [p.t, p]));
  const out: LivePoint[] = [];
  for (let t = last.t - (SPAN - 1) * 1000; t <= last.t; t += 1000) {
    out.push(byT.get(t) ?? { t, requests: 0, errors: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, costMicros: 0, creditsMicros: 0, activeStreams: 0, instances: last.instances, latencyAvg: null, latencyMax: null });
  }
  return out;
}

function rate(points: LivePoint[], pick: (p: LivePoint) => number): number {
  const last = points.slice(-WINDOW);
  return last.length ? last.reduce((a, p) => a + pick(p), 0) / last.length : 0;
}

/** The live dashboard: per-second charts from the socket.io feed, recent requests, and today's totals. */
export function DashboardPage() {
  const live = useLiveFeed();
  const today = useResource((signal) => api<{ totals: AnalyticsMetrics }>('/api/analytics/summary?range=24h', { signal }));
  const points = live.points;
  const chartData = useMemo(() => padded(points).map((p) => ({ ...p, okRequests: p.requests - p.errors, cost: p.costMicros / 1e6 })), [points]);
  const last = points[points.length - 1];
  const latencies = points.filter((p) => p.latencyAvg !== null);
  const latencyNow = latencies.length ? latencies.slice(-WINDOW).reduce((a, p) => a + p.latencyAvg!, 0) / Math.min(WINDOW, latencies.length) : null;
  const reqRate = rate(points, (p) => p.requests);
  const errRate = rate(points, (p) => p.errors);
  const tick = (t: number) => fmtClock(t);

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Dashboard</h1>
          <p className="muted">{live.scope?.kind === 'user' ? 'Your own traffic, live.' : 'All traffic through this gateway, live.'}</p>
        </div>
        <LiveBadge status={live.status} error={live.error} instances={last?.instances} />
      </header>

      {live.status === 'refused' && <ErrorState error={new Error(`The live feed refused this session: ${live.error}`)} />}

      <section className="stats-row" aria-label="Right now">
        <Stat label="Requests / s" value={reqRate.toFixed(reqRate < 10 ? 1 : 0)} hint={`avg of last ${WINDOW} s`} />
        <Stat label="Tokens / s" value={fmtCompact(rate(points, (p) => p.totalTokens))} hint="prompt + completion" />
        <Stat label="Errors / s" value={errRate.toFixed(errRate < 10 ? 1 : 0)} tone={errRate > 0 ? 'bad' : undefined} hint={reqRate ? fmtPercent(errRate / reqRate) : 'no traffic'} />
        <Stat label="Latency" value={fmtMs(latencyNow)} hint="avg of recent requests" />
        <Stat label="Streams open" value={fmtInt(last?.activeStreams ?? 0)} />
      </section>

      <div className="chart-grid">
        <TimeChart
          title="Requests per second"
          data={chartData}
          tickTime={tick}
          format={(v) => fmtCompact(v)}
          series={[
            { key: 'okRequests', label: 'Succeeded', color: 'var(--c-ok)', kind: 'bar', stack: 'r' },
            { key: 'errors', label: 'Failed', color: 'var(--c-bad)', kind: 'bar', stack: 'r' },
          ]}
          summary={`${reqRate.toFixed(1)} requests per second over the last ${WINDOW} seconds.`}
        />
        <TimeChart
          title="Tokens per second"
          data={chartData}
          tickTime={tick}
          format={(v) => fmtCompact(v)}
          series={[
            { key: 'promptTokens', label: 'Prompt', color: 'var(--c-1)', kind: 'bar', stack: 't' },
            { key: 'completionTokens', label: 'Completion', color: 'var(--c-2)', kind: 'bar', stack: 't' },
          ]}
        />
        <TimeChart title="Cost per second (credits)" data={chartData} tickTime={tick} format={(v) => fmtCredits(v * 1e6)} series={[{ key: 'cost', label: 'Cost', color: 'var(--c-3)', kind: 'bar' }]} />
        <TimeChart
          title="Latency (ms)"
          data={chartData}
          tickTime={tick}
          format={(v) => fmtInt(v)}
          series={[
            { key: 'latencyAvg', label: 'Average', color: 'var(--c-1)', kind: 'line' },
            { key: 'latencyMax', label: 'Slowest', color: 'var(--c-4)', kind: 'line' },
          ]}
        />
      </div>

      <section className="card" aria-labelledby="recent-title">
        <div className="card-head">
          <h2 id="recent-title">Recent requests</h2>
          <Link to="/analytics">Analytics and history →</Link>
        </div>
        <RecentRequests requests={live.requests} waiting={live.status !== 'live'} />
      </section>

      <section className="card" aria-labelledby="today-title">
        <h2 id="today-title">Last 24 hours</h2>
        {today.error ? (
          <ErrorState error={today.error} retry={today.reload} />
        ) : (
          <div className="stats-row compact">
            <Stat label="Requests" value={fmtInt(today.data?.totals.requests)} />
            <Stat label="Error rate" value={fmtPercent(today.data?.totals.errorRate)} />
            <Stat label="Tokens" value={fmtCompact(today.data?.totals.totalTokens)} />
            <Stat label="Cost" value={fmtCredits(today.data?.totals.costMicros)} hint="credits" />
            <Stat label="Charged" value={fmtCredits(today.data?.totals.creditsMicros)} hint="credits" />
            <Stat label="p95 latency" value={fmtMs(today.data?.totals.latencyMs?.p95)} />
          </div>
        )}
      </section>
    </div>
  );
}

function LiveBadge({ status, error, instances }: { status: string; error?: string; instances?: number }) {
  const text = status === 'live' ? `Live${instances && instances > 1 ? ` · ${instances} instances` : ''}` : status === 'connecting' ? 'Connecting…' : status === 'reconnecting' ? 'Reconnecting…' : 'Not connected';
  return (
    <span className={`live-badge ${status}`} role="status" title={error}>
      <span className="dot" aria-hidden="true" /> {text}
    </span>
  );
}
