import { Area, Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface SeriesSpec {
  key: string;
  label: string;
  color: string;
  kind?: 'area' | 'line' | 'bar';
  /** Stack id: series sharing one are stacked. */
  stack?: string;
}

/** Colours that stay apart for people with the common colour-vision differences. */
export const PALETTE = ['#2f6fed', '#e8833a', '#1a9e77', '#c2417c', '#7a5af5', '#8c8c2a', '#3aa6c9', '#b5542d'];

/**
 * A time chart with the console's look: x is epoch ms, y formatted by `format`. The chart has an
 * accessible name and a text summary for screen readers (charts are pictures to them).
 */
export function TimeChart<T extends { t: number }>({
  data,
  series,
  title,
  format = (v) => String(v),
  tickTime,
  height = 200,
  summary,
}: {
  data: T[];
  series: SeriesSpec[];
  title: string;
  format?: (v: number) => string;
  tickTime: (t: number) => string;
  height?: number;
  summary?: string;
}) {
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <div style={{ height }} aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={data} margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="var(--grid)" vertical={false} />
            <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} scale="time" tickFormatter={tickTime} stroke="var(--muted)" fontSize={11} tickLine={false} minTickGap={40} />
            <YAxis tickFormatter={format} stroke="var(--muted)" fontSize={11} width={56} tickLine={false} axisLine={false} allowDecimals />
            <Tooltip
              labelFormatter={(t) => tickTime(Number(t))}
              formatter={(v, name) => [format(Number(v)), String(name)]}
              contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 8, fontSize: 12 }}
            />
            {series.length > 1 && <Legend iconType="plainline" wrapperStyle={{ fontSize: 12 }} />}
            {series.map((s) => {
              // Few values: draw the points, or a lone value between gaps would not show at all.
              const sparse = data.filter((d) => typeof (d as Record<string, unknown>)[s.key] === 'number').length <= 30;
              const common = { key: s.key, dataKey: s.key, name: s.label, stroke: s.color, isAnimationActive: false };
              if (s.kind === 'bar') return <Bar {...common} fill={s.color} stackId={s.stack} radius={s.stack ? 0 : [3, 3, 0, 0]} />;
              if (s.kind === 'line') return <Line {...common} type="linear" dot={sparse ? { r: 3 } : false} strokeWidth={2} connectNulls />;
              return <Area {...common} type="linear" fill={s.color} fillOpacity={0.15} strokeWidth={2} stackId={s.stack} />;
            })}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      {summary && <p className="sr-only">{summary}</p>}
    </figure>
  );
}

export function Stat({ label, value, hint, tone }: { label: string; value: string; hint?: string; tone?: 'good' | 'bad' | 'warn' }) {
  return (
    <div className={`stat${tone ? ` tone-${tone}` : ''}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint && <div className="stat-hint">{hint}</div>}
    </div>
  );
}
