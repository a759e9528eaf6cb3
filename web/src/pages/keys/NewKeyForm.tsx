import { useState } from 'react';
import { api } from '../../api/client';
import { DEFAULT_KEY_SCOPES, KEY_SCOPES, type ApiKeyInfo, type UserView } from '../../api/identity';
import { useAction } from '../../api/use-action';
import type { SessionUser } from '../../auth/session';
import { CheckList, Field, FormActions, FormError } from '../../components/form';

const SCOPE_HELP: Record<string, string> = {
  chat: 'chat completions',
  embeddings: 'embeddings',
  images: 'image generation',
  models: 'list models',
  messages: 'Anthropic-style messages',
  admin: 'the admin API (/api) — only for automation',
};

export function NewKeyForm({ users, me, onCreated }: { users: UserView[]; me: SessionUser; onCreated: (k: ApiKeyInfo & { key: string }) => void }) {
  const [name, setName] = useState('');
  const [userId, setUserId] = useState(me.id);
  const [scopes, setScopes] = useState<string[]>(DEFAULT_KEY_SCOPES);
  const [models, setModels] = useState('');
  const [expires, setExpires] = useState('');
  const [rpm, setRpm] = useState('');
  const [tpm, setTpm] = useState('');
  const [budget, setBudget] = useState('');
  const [period, setPeriod] = useState<'total' | 'day' | 'month'>('month');
  const create = useAction();
  const num = (s: string) => (s.trim() === '' ? undefined : Number(s));
  return (
    <form
      className="form"
      aria-label="New API key"
      onSubmit={async (e) => {
        e.preventDefault();
        const body: Record<string, unknown> = { name: name.trim(), scopes };
        if (userId !== me.id) body.userId = userId;
        const allowed = models.split(',').map((m) => m.trim()).filter(Boolean);
        if (allowed.length) body.allowedModels = allowed;
        if (num(expires) !== undefined) body.expiresInDays = num(expires);
        if (num(rpm) !== undefined) body.rpm = num(rpm);
        if (num(tpm) !== undefined) body.tpm = num(tpm);
        if (num(budget) !== undefined) body.budget = { credits: num(budget), period };
        const key = await create.run(() => api<ApiKeyInfo & { key: string }>('/api/keys', { method: 'POST', body }));
        if (key) onCreated(key);
      }}
    >
      <div className="grid-2">
        <Field id="key-name" label="Name">
          <input id="key-name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. backend production" />
        </Field>
        {users.length > 0 && (
          <Field id="key-owner" label="Owner">
            <select id="key-owner" value={userId} onChange={(e) => setUserId(e.target.value)}>
              {users
                .filter((u) => !u.disabled)
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.email}
                    {u.id === me.id ? ' (you)' : ''}
                  </option>
                ))}
            </select>
          </Field>
        )}
      </div>
      <CheckList legend="Scopes" options={KEY_SCOPES} value={scopes} onChange={setScopes} titles={SCOPE_HELP} />
      <Field id="key-models" label="Allowed models">
        <input id="key-models" value={models} onChange={(e) => setModels(e.target.value)} placeholder="any model (or: comma, separated, names)" />
      </Field>
      <div className="grid-4">
        <Field id="key-expires" label="Expires in (days)">
          <input id="key-expires" type="number" min={1} max={3650} value={expires} onChange={(e) => setExpires(e.target.value)} placeholder="never" />
        </Field>
        <Field id="key-rpm" label="Requests / min">
          <input id="key-rpm" type="number" min={1} value={rpm} onChange={(e) => setRpm(e.target.value)} placeholder="no limit" />
        </Field>
        <Field id="key-tpm" label="Tokens / min">
          <input id="key-tpm" type="number" min={1} value={tpm} onChange={(e) => setTpm(e.target.value)} placeholder="no limit" />
        </Field>
        <Field id="key-budget" label="Budget (credits)">
          <div className="input-pair">
            <input id="key-budget" type="number" min={0} step="any" value={budget} onChange={(e) => setBudget(e.target.value)} placeholder="none" />
            <select aria-label="Budget period" value={period} onChange={(e) => setPeriod(e.target.value as typeof period)}>
              <option value="day">/ day</option>
              <option value="month">/ month</option>
              <option value="total">in total</option>
            </select>
          </div>
        </Field>
      </div>
      <FormError error={create.error} />
      <FormActions busy={create.busy} disabled={scopes.length === 0} label="Create key" busyLabel="Creating…" />
    </form>
  );
}
