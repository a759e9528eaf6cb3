import { createContext, useContext, useId, type ReactNode } from 'react';

/**
 * A form drawn from a JSON Schema object (plugin settings, credential fields, node params).
 * The server validates with the same schema; `x-ui` hints choose widgets and order.
 *
 * Widgets: password, textarea, code, expression, regex (multi-line, monospace), json (raw JSON),
 * hidden, key-value (an object of strings), provider / model / credential (pickers fed by
 * SchemaFormOptions), and arrays of objects (branches, rules) as an ordered list of sub-forms.
 */
export type Schema = {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  items?: Schema;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  'x-ui'?: { widget?: string; order?: number; help?: string; placeholder?: string; language?: string };
};

/** Choices for the picker widgets. */
export interface SchemaFormOptions {
  providers?: Array<{ id: string; name: string }>;
  /** Model ids, optionally per provider (upstream ids) for the `model` widget's suggestions. */
  models?: string[];
  modelsByProvider?: Record<string, string[]>;
  credentialsByProvider?: Record<string, Array<{ id: string; name: string }>>;
}

const OptionsContext = createContext<SchemaFormOptions>({});

export function SchemaFormOptionsProvider({ value, children }: { value: SchemaFormOptions; children: ReactNode }) {
  return <OptionsContext.Provider value={value}>{children}</OptionsContext.Provider>;
}

const typeOf = (s: Schema) => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type);
const MONO_WIDGETS = new Set(['code', 'expression', 'regex']);

export function fieldLabel(name: string, s: Schema) {
  return s.title ?? name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

const isEmptyObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

export function SchemaForm({
  schema,
  value,
  onChange,
  idPrefix,
  errors,
}: {
  schema: Schema | undefined;
  value: Record<string, unknown>;
  onChange: (v: Record<string, unknown>) => void;
  idPrefix?: string;
  /** Problems by property name, shown under the field. */
  errors?: Record<string, string[]>;
}) {
  const base = useId();
  const props = Object.entries(schema?.properties ?? {})
    .filter(([, s]) => s['x-ui']?.widget !== 'hidden')
    .sort(([, a], [, b]) => (a['x-ui']?.order ?? 100) - (b['x-ui']?.order ?? 100));
  if (props.length === 0) return <p className="muted">No settings.</p>;
  const set = (k: string, v: unknown) => {
    const next = { ...value };
    if (v === undefined || v === '' || isEmptyObject(v)) delete next[k];
    else next[k] = v;
    onChange(next);
  };
  return (
    <div className="schema-form">
      {props.map(([name, s]) => {
        const id = `${idPrefix ?? base}-${name}`;
        const required = schema?.required?.includes(name);
        const help = s['x-ui']?.help ?? s.description;
        const problems = errors?.[name] ?? [];
        const t = typeOf(s);
        const grouped = !s.enum && ((t === 'object' && s.properties && s['x-ui']?.widget !== 'json') || (t === 'array' && typeOf(s.items ?? {}) === 'object' && s.items?.properties));
        const labelText = (
          <>
            {fieldLabel(name, s)}
            {required && (
              <span className="required" aria-hidden="true">
                {' '}
                *
              </span>
            )}
          </>
        );
        const describedBy = [help ? `${id}-help` : '', problems.length ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
        const field = <Field id={id} name={name} schema={s} value={value[name]} siblings={value} onChange={(v) => set(name, v)} required={required} describedBy={describedBy} invalid={problems.length > 0} />;
        return grouped ? (
          <fieldset className="field group" key={name} aria-describedby={describedBy}>
            <legend>{labelText}</legend>
            {help && (
              <small id={`${id}-help`} className="help">
                {help}
              </small>
            )}
            {field}
            <Problems id={`${id}-err`} problems={problems} />
          </fieldset>
        ) : (
          <div className={`field${t === 'boolean' && !s.enum ? ' check-field' : ''}`} key={name}>
            <label htmlFor={id}>{labelText}</label>
            {field}
            {help && (
              <small id={`${id}-help`} className="help">
                {help}
              </small>
            )}
            <Problems id={`${id}-err`} problems={problems} />
          </div>
        );
      })}
    </div>
  );
}

function Problems({ id, problems }: { id: string; problems: string[] }) {
  if (!problems.length) return null;
  return (
    <small id={id} className="error-text">
      {problems.join(' · ')}
    </small>
  );
}

interface FieldProps {
  id: string;
  name: string;
  schema: Schema;
  value: unknown;
  siblings: Record<string, unknown>;
  onChange: (v: unknown) => void;
  required?: boolean;
  describedBy?: string;
  invalid?: boolean;
}

function Field(props: FieldProps) {
  const { id, schema, value, onChange, required, describedBy, invalid, siblings } = props;
  const options = useContext(OptionsContext);
  const t = typeOf(schema);
  const widget = schema['x-ui']?.widget;
  const aria = { 'aria-describedby': describedBy, 'aria-invalid': invalid || undefined };
  const placeholder = schema['x-ui']?.placeholder ?? (schema.default !== undefined && typeof schema.default !== 'object' ? String(schema.default) : undefined);

  if (schema.enum) {
    return (
      <select id={id} {...aria} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : schema.enum!.find((x) => String(x) === e.target.value))}>
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
    return <input id={id} {...aria} type="checkbox" checked={value === undefined ? schema.default === true : Boolean(value)} onChange={(e) => onChange(e.target.checked)} />;
  }
  if (t === 'number' || t === 'integer') {
    return (
      <input
        id={id}
        {...aria}
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
  if (widget === 'provider' && options.providers?.length) {
    return (
      <select id={id} {...aria} required={required} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">— choose a provider —</option>
        {options.providers.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name} ({p.id})
          </option>
        ))}
        {typeof value === 'string' && value && !options.providers.some((p) => p.id === value) && <option value={value}>{value} (not configured)</option>}
      </select>
    );
  }
  if (widget === 'credential') {
    const provider = typeof siblings.provider === 'string' ? siblings.provider : '';
    const creds = options.credentialsByProvider?.[provider] ?? [];
    return (
      <select id={id} {...aria} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">{creds.length ? 'any (the provider’s pool)' : 'the provider’s pool'}</option>
        {creds.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
    );
  }
  if (widget === 'model') {
    const provider = typeof siblings.provider === 'string' ? siblings.provider : '';
    const list = (provider && options.modelsByProvider?.[provider]) || options.models || [];
    return (
      <>
        <input id={id} {...aria} list={`${id}-list`} placeholder={placeholder ?? 'model id'} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value)} required={required} />
        <datalist id={`${id}-list`}>
          {list.map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
      </>
    );
  }
  if (widget === 'key-value' && t === 'object') {
    return <KeyValueField id={id} value={value} onChange={onChange} valueType={typeOf((schema.additionalProperties as Schema) || {}) ?? 'string'} />;
  }
  if (t === 'array' && schema.items?.enum) {
    const list = Array.isArray(value) ? value : [];
    return (
      <div className="checks" id={id} role="group" {...aria}>
        {schema.items.enum.map((opt) => (
          <label key={String(opt)} className="check">
            <input type="checkbox" checked={list.includes(opt)} onChange={(e) => onChange(e.target.checked ? [...list, opt] : list.filter((x) => x !== opt).length ? list.filter((x) => x !== opt) : undefined)} /> {String(opt)}
          </label>
        ))}
      </div>
    );
  }
  if (t === 'array' && (typeOf(schema.items ?? {}) === 'string' || typeOf(schema.items ?? {}) === 'integer' || typeOf(schema.items ?? {}) === 'number')) {
    const numeric = typeOf(schema.items ?? {}) !== 'string';
    return (
      <ListTextField id={id} aria={aria} numeric={numeric} value={value} onChange={onChange} />
    );
  }
  if (t === 'array' && typeOf(schema.items ?? {}) === 'object' && schema.items?.properties) {
    return <ObjectListField {...props} />;
  }
  if (t === 'object' && schema.properties && widget !== 'json') {
    return <SchemaForm schema={schema} idPrefix={id} value={(value as Record<string, unknown>) ?? {}} onChange={(v) => onChange(isEmptyObject(v) ? undefined : v)} />;
  }
  if (t === 'object' || t === 'array' || widget === 'json') {
    return <JsonField id={id} aria={aria} value={value} onChange={onChange} />;
  }
  if (widget === 'textarea' || (widget && MONO_WIDGETS.has(widget))) {
    return (
      <textarea
        id={id}
        {...aria}
        rows={widget === 'code' ? 8 : 3}
        className={widget && MONO_WIDGETS.has(widget) ? 'mono' : undefined}
        spellCheck={widget && MONO_WIDGETS.has(widget) ? false : undefined}
        placeholder={placeholder}
        value={value === undefined ? '' : String(value)}
        onChange={(e) => onChange(e.target.value)}
        required={required}
      />
    );
  }
  return (
    <input
      id={id}
      {...aria}
      type={widget === 'password' ? 'password' : 'text'}
      autoComplete={widget === 'password' ? 'off' : undefined}
      placeholder={placeholder}
      value={value === undefined ? '' : String(value)}
      onChange={(e) => onChange(e.target.value)}
      required={required}
    />
  );
}

/** Comma-separated strings or numbers. Kept as typed text while editing so "1," does not jump. */
function ListTextField({ id, aria, numeric, value, onChange }: { id: string; aria: Record<string, unknown>; numeric: boolean; value: unknown; onChange: (v: unknown) => void }) {
  const text = Array.isArray(value) ? value.join(', ') : '';
  return (
    <input
      id={id}
      {...aria}
      placeholder={numeric ? 'e.g. 429, 503' : 'comma, separated, values'}
      defaultValue={text}
      key={text}
      onBlur={(e) => {
        const parts = e.target.value.split(',').map((x) => x.trim()).filter(Boolean);
        if (!parts.length) return onChange(undefined);
        onChange(numeric ? parts.map(Number).filter((n) => Number.isFinite(n)) : parts);
      }}
    />
  );
}

/** An ordered list of objects (router branches, rules): order matters, so items can move. */
function ObjectListField({ id, name, schema, value, onChange }: FieldProps) {
  const list = Array.isArray(value) ? (value as Array<Record<string, unknown>>) : [];
  const item = schema.items!;
  const needsId = Boolean(item.properties?.id) && Boolean(item.required?.includes('id'));
  const singular = name.replace(/(es|s)$/, '') || 'item';
  const freshId = () => {
    const used = new Set(list.map((x) => x.id));
    for (let n = list.length + 1; ; n++) if (!used.has(`${singular}${n}`)) return `${singular}${n}`;
  };
  const replace = (i: number, v: Record<string, unknown>) => onChange(list.map((x, j) => (j === i ? v : x)));
  const move = (i: number, d: number) => {
    const next = list.slice();
    [next[i], next[i + d]] = [next[i + d], next[i]];
    onChange(next);
  };
  const max = schema.maxItems ?? Infinity;
  return (
    <div className="object-list">
      {list.length === 0 && <p className="muted small">None yet.</p>}
      {list.map((x, i) => (
        <div className="object-item" key={i}>
          <div className="object-item-head">
            <strong className="small">
              {singular} {i + 1}
              {typeof x.label === 'string' && x.label ? ` · ${x.label}` : typeof x.id === 'string' ? ` · ${x.id}` : ''}
            </strong>
            <span className="row-actions">
              <button type="button" className="icon-button small" aria-label={`Move ${singular} ${i + 1} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                ↑
              </button>
              <button type="button" className="icon-button small" aria-label={`Move ${singular} ${i + 1} down`} disabled={i === list.length - 1} onClick={() => move(i, 1)}>
                ↓
              </button>
              <button
                type="button"
                className="icon-button small danger"
                aria-label={`Remove ${singular} ${i + 1}`}
                disabled={list.length <= (schema.minItems ?? 0)}
                onClick={() => onChange(list.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </span>
          </div>
          <SchemaForm schema={item} idPrefix={`${id}-${i}`} value={x} onChange={(v) => replace(i, v)} />
        </div>
      ))}
      {list.length < max && (
        <button type="button" className="secondary small" onClick={() => onChange([...list, needsId ? { id: freshId() } : {}])}>
          Add {singular}
        </button>
      )}
    </div>
  );
}

function KeyValueField({ id, value, onChange, valueType }: { id: string; value: unknown; onChange: (v: unknown) => void; valueType: string }) {
  const entries = Object.entries((value as Record<string, unknown>) ?? {});
  const write = (list: Array<[string, unknown]>) => onChange(list.length ? Object.fromEntries(list) : undefined);
  const parse = (s: string): unknown => (valueType === 'string' ? s : s === 'true' ? true : s === 'false' ? false : s !== '' && Number.isFinite(Number(s)) ? Number(s) : s);
  return (
    <div className="kv-editor" id={id}>
      {entries.map(([k, v], i) => (
        <div className="kv-row" key={i}>
          <input aria-label={`Key ${i + 1}`} value={k} onChange={(e) => write(entries.map((x, j) => (j === i ? [e.target.value, x[1]] : x)))} />
          <span aria-hidden="true">→</span>
          <input aria-label={`Value ${i + 1}`} value={String(v ?? '')} onChange={(e) => write(entries.map((x, j) => (j === i ? [x[0], parse(e.target.value)] : x)))} />
          <button type="button" className="icon-button small danger" aria-label={`Remove entry ${i + 1}`} onClick={() => write(entries.filter((_, j) => j !== i))}>
            ×
          </button>
        </div>
      ))}
      <button type="button" className="secondary small" onClick={() => write([...entries, [entries.some(([k]) => k === '') ? `key${entries.length + 1}` : '', '']])}>
        Add entry
      </button>
    </div>
  );
}

function JsonField({ id, aria, value, onChange }: { id: string; aria: Record<string, unknown>; value: unknown; onChange: (v: unknown) => void }) {
  const text = value === undefined ? '' : JSON.stringify(value, null, 2);
  return (
    <textarea
      id={id}
      {...aria}
      rows={4}
      className="mono"
      spellCheck={false}
      key={text}
      defaultValue={text}
      onBlur={(e) => {
        const t = e.target.value.trim();
        if (t === '') return onChange(undefined);
        try {
          onChange(JSON.parse(t));
          e.target.setCustomValidity('');
        } catch {
          e.target.setCustomValidity('Not valid JSON');
          e.target.reportValidity();
        }
      }}
    />
  );
}
