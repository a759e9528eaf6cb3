import type { PlaygroundModel } from './models';

/** Catalog models and pipelines (by the model names bound to them), in two groups. */
export function ModelSelect({ id, label, models, value, onChange }: { id?: string; label: string; models: PlaygroundModel[]; value: string; onChange: (id: string) => void }) {
  const plain = models.filter((m) => m.kind === 'model');
  const pipelines = models.filter((m) => m.kind === 'pipeline');
  return (
    <select id={id} aria-label={id ? undefined : label} value={value} onChange={(e) => onChange(e.target.value)}>
      {plain.length > 0 && (
        <optgroup label="Models">
          {plain.map((m) => (
            <option key={m.id} value={m.id}>
              {m.id}
            </option>
          ))}
        </optgroup>
      )}
      {pipelines.length > 0 && (
        <optgroup label="Pipelines">
          {pipelines.map((m) => (
            <option key={m.id} value={m.id}>
              {m.id}
            </option>
          ))}
        </optgroup>
      )}
    </select>
  );
}
