import { useState } from 'react';
import { perMillion, type BillingSettings, type PriceCard, type PriceRecord } from '../../api/billing';
import { api, ApiError } from '../../api/client';
import type { ProviderView } from '../../api/types';
import { useAction } from '../../api/use-action';
import { useResource } from '../../api/use-resource';
import { atLeast, useUser } from '../../auth/session';
import { DataTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { Checkbox, Field, FormActions, FormError, RadioRow } from '../../components/form';
import { Empty, ErrorState, Loading } from '../../components/states';
import { fmtTime } from '../../format';
import { ProviderSelect } from './ProviderSelect';

const RATE_FIELDS: Array<[keyof PriceCard, string]> = [
  ['inputPer1M', 'Input'],
  ['outputPer1M', 'Output'],
  ['cachedInputPer1M', 'Cached input'],
  ['embeddingPer1M', 'Embeddings'],
];

const cardText = (card: PriceCard | null | undefined, unit: string) => {
  if (!card) return '—';
  const parts = RATE_FIELDS.filter(([k]) => card[k] !== undefined).map(([k, l]) => `${l} ${unit}${perMillion(card[k] as number)}`);
  if (card.perImage) parts.push(`${Object.keys(card.perImage).length} image sizes`);
  return parts.join(' · ') || '—';
};

/** Price records (cost in USD, what users pay in credits), with editing for admins. */
export function PricesPanel() {
  const user = useUser();
  const canEdit = atLeast(user.role, 'admin');
  const prices = useResource((signal) => api<{ data: PriceRecord[] }>('/api/billing/prices', { signal }));
  const settings = useResource((signal) => api<BillingSettings>('/api/billing/settings', { signal }).catch(() => undefined));
  const providers = useResource((signal) => api<{ data: ProviderView[] }>('/api/providers', { signal }));
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<PriceRecord | 'new' | null>(null);
  if (prices.loading) return <Loading what="Loading prices" />;
  if (prices.error) {
    if (prices.error instanceof ApiError && prices.error.status === 403) return <Empty title="Prices are visible to administrators.">Ask an administrator; models still show their prices on the Models tab.</Empty>;
    return <ErrorState error={prices.error} retry={prices.reload} />;
  }
  const configured = new Set((providers.data?.data ?? []).map((p) => p.id));
  const plugins = new Set((providers.data?.data ?? []).map((p) => p.plugin));
  const relevant = prices.data!.data.filter((p) => (p.scope === 'provider' ? configured.has(p.scopeId) : plugins.has(p.scopeId)));
  const shown = (filter ? prices.data!.data : relevant).filter((p) => !filter || `${p.scopeId} ${p.model}`.toLowerCase().includes(filter.toLowerCase()));
  const s = settings.data;
  return (
    <section className="card" aria-label="Prices">
      {s && (
        <p className="muted">
          Billing mode <strong>{s.mode}</strong> · 1 USD = {s.creditsPerUsd} credits · default markup {s.defaultMarkupBp / 100}% · unpriced models are {s.unpriced === 'block' ? 'refused in credits mode' : 'free'}.
        </p>
      )}
      <div className="card-head">
        <Field id="price-filter" label="Find" inline>
          <input id="price-filter" type="search" placeholder="model or provider (searches every list price)" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </Field>
        {canEdit && (
          <button type="button" onClick={() => setEditing('new')}>
            Add price
          </button>
        )}
      </div>
      {!filter && <p className="small muted">Showing prices for the providers you have configured ({relevant.length} of {prices.data!.data.length}). Search to see every list price.</p>}
      <DataTable
        className="dense"
        columns={['Model', 'Applies to', 'Cost (USD / 1M)', 'Users pay (credits / 1M)', ['Version', 'hide-narrow'], canEdit && '']}
        rows={shown.slice(0, 300)}
        empty={<Empty title={filter ? `No price matches “${filter}”.` : 'No prices for your providers yet.'}>{canEdit ? 'Add one with “Add price”: the provider, the upstream model id, and its cost per million tokens.' : null}</Empty>}
        row={(p) => (
          <tr key={p.id}>
            <td>
              <code>{p.model}</code>
              {!p.enabled && <span className="badge bad">off</span>}
            </td>
            <td>
              {p.scope === 'provider' ? 'provider' : 'every provider of plugin'} <code>{p.scopeId}</code>
            </td>
            <td className="small">{cardText(p.cost, '$')}</td>
            <td className="small">
              {cardText(p.price, '')}
              <div className="muted">{p.pricing === 'custom' ? 'custom price' : `markup ${(p.markupBp ?? s?.defaultMarkupBp ?? 0) / 100}%${p.markupBp === null ? ' (default)' : ''}`}</div>
            </td>
            <td className="hide-narrow small">
              v{p.version} · {p.source === 'seed' ? `list ${p.listDate ?? ''}` : fmtTime(p.updatedAt)}
            </td>
            {canEdit && (
              <td className="row-actions">
                <button type="button" className="secondary small" aria-label={`Edit price of ${p.model}`} onClick={() => setEditing(p)}>
                  Edit
                </button>
              </td>
            )}
          </tr>
        )}
      >
        {shown.length > 300 && <p className="muted small">Showing the first 300; search to narrow down.</p>}
      </DataTable>
      <Dialog title={editing === 'new' ? 'Add price' : `Price of ${editing?.model ?? ''}`} open={editing !== null} onClose={() => setEditing(null)} wide>
        {editing !== null && <PriceForm price={editing === 'new' ? undefined : editing} providers={providers.data?.data ?? []} onDone={() => (setEditing(null), prices.reload())} />}
      </Dialog>
    </section>
  );
}

function toMicros(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) && n >= 0 ? Math.round(n * 1e6) : Number.NaN;
}

function CardFields({ idPrefix, card, onChange, unit }: { idPrefix: string; card: Record<string, string>; onChange: (c: Record<string, string>) => void; unit: string }) {
  return (
    <div className="grid-4">
      {RATE_FIELDS.map(([k, label]) => (
        <Field key={k} id={`${idPrefix}-${k}`} label={`${label} (${unit} / 1M)`}>
          <input id={`${idPrefix}-${k}`} inputMode="decimal" value={card[k] ?? ''} onChange={(e) => onChange({ ...card, [k]: e.target.value })} />
        </Field>
      ))}
    </div>
  );
}

function PriceForm({ price, providers, onDone }: { price?: PriceRecord; providers: ProviderView[]; onDone: () => void }) {
  const toText = (c: PriceCard | null | undefined) => Object.fromEntries(RATE_FIELDS.filter(([k]) => c?.[k] !== undefined).map(([k]) => [k, perMillion(c![k] as number)]));
  const [scopeId, setScopeId] = useState(price?.scopeId ?? providers[0]?.id ?? '');
  const [model, setModel] = useState(price?.model ?? '');
  const [cost, setCost] = useState<Record<string, string>>(toText(price?.cost));
  const [pricing, setPricing] = useState<'markup' | 'custom'>(price?.pricing ?? 'markup');
  const [markup, setMarkup] = useState(price?.markupBp === null || price?.markupBp === undefined ? '' : String(price.markupBp / 100));
  const [custom, setCustom] = useState<Record<string, string>>(toText(price?.custom));
  const [enabled, setEnabled] = useState(price?.enabled ?? true);
  const save = useAction();
  const card = (text: Record<string, string>): PriceCard => {
    const out: Record<string, number> = {};
    for (const [k] of RATE_FIELDS) {
      const v = toMicros(text[k] ?? '');
      if (v !== undefined) out[k] = v;
    }
    return out as PriceCard;
  };
  return (
    <form
      className="form"
      onSubmit={async (e) => {
        e.preventDefault();
        const costCard = { ...(price?.cost ?? {}), ...card(cost) };
        const customCard = pricing === 'custom' ? { ...(price?.custom ?? {}), ...card(custom) } : null;
        if ([...Object.values(costCard), ...Object.values(customCard ?? {})].some((v) => typeof v === 'number' && Number.isNaN(v))) {
          save.setError('Rates must be non-negative numbers.');
          return;
        }
        const markupBp = markup.trim() === '' ? null : Math.round(Number(markup) * 100);
        const body = { cost: costCard, pricing, markupBp, custom: customCard, enabled };
        const done = await save.run(() =>
          price ? api(`/api/billing/prices/${price.id}`, { method: 'PATCH', body }) : api('/api/billing/prices', { method: 'POST', body: { ...body, scope: 'provider', scopeId, model: model.trim() } }),
        );
        if (done !== undefined) onDone();
      }}
    >
      {!price && (
        <div className="grid-2">
          <Field id="price-provider" label="Provider">
            <ProviderSelect id="price-provider" providers={providers} value={scopeId} onChange={setScopeId} />
          </Field>
          <Field id="price-model" label="Upstream model id">
            <input id="price-model" required value={model} onChange={(e) => setModel(e.target.value)} placeholder="e.g. gpt-4o (dated variants match)" />
          </Field>
        </div>
      )}
      <fieldset>
        <legend>Provider cost, USD per million tokens</legend>
        <CardFields idPrefix="cost" card={cost} onChange={setCost} unit="$" />
      </fieldset>
      <fieldset>
        <legend>What users pay</legend>
        <RadioRow
          name="pricing"
          value={pricing}
          onChange={setPricing}
          options={[
            ['markup', 'Cost plus a markup'],
            ['custom', 'A custom price in credits'],
          ]}
        />
        {pricing === 'markup' ? (
          <Field id="price-markup" label="Markup (%)">
            <input id="price-markup" inputMode="decimal" value={markup} onChange={(e) => setMarkup(e.target.value)} placeholder="default" />
          </Field>
        ) : (
          <CardFields idPrefix="custom" card={custom} onChange={setCustom} unit="credits" />
        )}
      </fieldset>
      <Checkbox checked={enabled} onChange={setEnabled}>
        Enabled
      </Checkbox>
      <FormError error={save.error} />
      <FormActions busy={save.busy} label="Save price" />
    </form>
  );
}
