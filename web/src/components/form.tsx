import type { ReactNode } from 'react';

/** A labelled control: the label names the control with `id` (give the control that id), an optional hint below; `inline` puts the label beside it. */
export function Field({ id, label, help, hidden, inline, children }: { id: string; label: ReactNode; help?: ReactNode; hidden?: boolean; inline?: boolean; children: ReactNode }) {
  return (
    <div className={inline ? 'field inline' : 'field'} hidden={hidden}>
      <label htmlFor={id}>{label}</label>
      {children}
      {help && <small className="help">{help}</small>}
    </div>
  );
}

/** Why the last call failed (useAction's `error`), announced to screen readers; nothing while there is none. */
export function FormError({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return (
    <p className="error-text" role="alert">
      {error}
    </p>
  );
}

/** The submit button; while `busy` it is disabled and says `busyLabel`. */
export function SubmitButton({ busy, disabled, label, busyLabel = 'Saving…', className }: { busy: boolean; disabled?: boolean; label: ReactNode; busyLabel?: ReactNode; className?: string }) {
  return (
    <button type="submit" className={className} disabled={busy || disabled}>
      {busy ? busyLabel : label}
    </button>
  );
}

/** The row under a form: its submit button, then any other buttons. */
export function FormActions({ children, ...submit }: Parameters<typeof SubmitButton>[0] & { children?: ReactNode }) {
  return (
    <div className="form-actions">
      <SubmitButton {...submit} />
      {children}
    </div>
  );
}

/** One checkbox with its label text after it. */
export function Checkbox({ checked, onChange, children }: { checked: boolean; onChange: (checked: boolean) => void; children: ReactNode }) {
  return (
    <label className="check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} /> {children}
    </label>
  );
}

/** A fieldset of checkboxes that picks any number of `options`; `titles` gives an option a tooltip. */
export function CheckList({ legend, options, value, onChange, titles }: { legend: string; options: readonly string[]; value: string[]; onChange: (update: (current: string[]) => string[]) => void; titles?: Record<string, string> }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      <div className="checks">
        {options.map((o) => (
          <label key={o} className="check" title={titles?.[o]}>
            <input type="checkbox" checked={value.includes(o)} onChange={(e) => onChange((cur) => (e.target.checked ? [...cur, o] : cur.filter((x) => x !== o)))} /> {o}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** Radio buttons in a row that pick one of `options` ([value, label] pairs). */
export function RadioRow<T extends string>({ name, value, options, onChange }: { name: string; value: T; options: Array<[T, ReactNode]>; onChange: (value: T) => void }) {
  return (
    <div className="radio-row">
      {options.map(([v, label]) => (
        <label key={v} className="check">
          <input type="radio" name={name} checked={value === v} onChange={() => onChange(v)} /> {label}
        </label>
      ))}
    </div>
  );
}
