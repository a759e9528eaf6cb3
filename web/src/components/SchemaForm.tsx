import { useId } from 'react';

/**
 * A form drawn from a JSON Schema object (plugin settings, credential fields, node params).
 * The server validates with the same schema; `x-ui` hints choose widgets and order.
 */
export type Schema = {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  items?: Schema;
  minimum?: number;
  maximum?: number;
  'x-ui'?: { widget?: 'password' | 'textarea' | 'json' | 'hidden'; order?: number; help?: string; placeholder?: string };
};

const typeOf = (s: Schema) => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type);

function label(name: string, s: Schema) {
  return s.title ?? name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

export function SchemaForm({ schema, value, onChange, idPrefix }: { schema: Schema | undefined; value: Record<string, unknown>; onChange: (v: Record<string, unknown>) => void; idPrefix?: string }) {
  const base = useId();
  const props = Object.entries(schema?.properties ?? {})
    .filter(([, s]) => s['x-ui']?.widget !== 'hidden')
    .sort(([, a], [, b]) => (a['x-ui']?.order ?? 100) - (b['x-ui']?.order ?? 100));
  if (props.length === 0) return <p className="muted">No settings.</p>;
  const set = (k: string, v: unknown) => {
    const next = { ...value };
    if (v === undefined || v === '') delete next[k];
    else next[k] = v;
    onChange(next);
  };
  return (
    <div className="schema-form">
      {props.map(([name, s]) => {
        const id = `${idPrefix ?? base}-${name}`;
        const required = schema?.required?.includes(name);
        const help = s['x-ui']?.help ?? s.description;
        return (
          <div className="field" key={name}>
            <label htmlFor={id}>
              {label(name, s)}
              {required && <span className="required" aria-label="required"> *</span>}
            </label>
            <Field id={id} schema={s} value={value[name]} onChange={(v) => set(name, v)} required={required} />
            {help && <small className="help">{help}</small>}
          </div>
        );
      })}
    </div>
  );
}

function Field({ id, schema, value, onChange, required }: { id: string; schema: Schema; value: unknown; onChange: (v: unknown) => void; required?: boolean }) {
  const t = typeOf(schema);
  const widget = schema['x-ui']?.widget;
  const placeholder = schema['x-ui']?.placeholder ?? (schema.default !== undefined && typeof schema.default !== 'object' ? String(schema.default) : undefined);
  if (schema.enum) {
    return (
      <select id={id} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : schema.enum!.find((x) => String(x) === e.target.value))}>
        <option value="">{schema.default !== undefined ? `default (${String(schema.default)})` : '—'}</option>
        {schema.enum.map((opt) => (
          <option key={String(opt)} value={String(opt)}>
            {String(opt)}
          </option>
        ))}
      </select>
    );
  }
  if (t === 'boolean') {
    return <input id={id} type="checkbox" checked={value === undefined ? schema.default === true : Boolean(value)} onChange={(e) => onChange(e.target.checked)} />;
  }
  if (t === 'number' || t === 'integer') {
    return (
      <input
        id={id}
        type="number"
        step={t === 'integer' ? 1 : 'any'}
        min={schema.minimum}
        max={schema.maximum}
        placeholder={placeholder}
        value={value === undefined ? '' : String(value)}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
      />
    );
  }
  if (t === 'array' && typeOf(schema.items ?? {}) === 'string' && !schema.items?.enum) {
    return (
      <input id={id} placeholder="comma, separated, values" value={Array.isArray(value) ? value.join(', ') : ''} onChange={(e) => onChange(e.target.value.trim() === '' ? undefined : e.target.value.split(',').map((x) => x.trim()).filter(Boolean))} />
    );
  }
  if (t === 'object' || t === 'array' || widget === 'json') {
    return <JsonField id={id} value={value} onChange={onChange} />;
  }
  if (widget === 'textarea') {
    return <textarea id={id} rows={4} placeholder={placeholder} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value)} required={required} />;
  }
  return (
    <input
      id={id}
      type={widget === 'password' ? 'password' : 'text'}
      autoComplete={widget === 'password' ? 'off' : undefined}
      placeholder={placeholder}
      value={value === undefined ? '' : String(value)}
      onChange={(e) => onChange(e.target.value)}
      required={required}
    />
  );
}

function JsonField({ id, value, onChange }: { id: string; value: unknown; onChange: (v: unknown) => void }) {
  return (
    <textarea
      id={id}
      rows={4}
      className="mono"
      defaultValue={value === undefined ? '' : JSON.stringify(value, null, 2)}
      onBlur={(e) => {
        const text = e.target.value.trim();
        if (text === '') return onChange(undefined);
        try {
          onChange(JSON.parse(text));
          e.target.setCustomValidity('');
        } catch {
          e.target.setCustomValidity('Not valid JSON');
          e.target.reportValidity();
        }
      }}
    />
  );
}
