import type { ProviderView } from '../../api/types';

/** Picks one of the configured providers, shown by name and id. */
export function ProviderSelect({ id, providers, value, onChange }: { id: string; providers: ProviderView[]; value: string; onChange: (id: string) => void }) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
      {providers.map((p) => (
        <option key={p.id} value={p.id}>
          {p.name} ({p.id})
        </option>
      ))}
    </select>
  );
}
