import { useState } from 'react';
import { api } from '../api/client';
import { useAction } from '../api/use-action';
import { Field, FormActions, FormError } from '../components/form';

/** The signed-in user's own password; other sessions of theirs end, this one stays. */
export function PasswordForm({ onDone }: { onDone: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const save = useAction();
  const mismatch = again !== '' && again !== next;
  return (
    <form
      className="form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (mismatch) return;
        const ok = await save.run(async () => {
          await api('/api/auth/password', { method: 'POST', body: { currentPassword: current, newPassword: next } });
          return true;
        });
        if (ok) onDone();
      }}
    >
      <Field id="pw-current" label="Current password">
        <input id="pw-current" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
      </Field>
      <Field id="pw-new" label="New password" help="At least 10 characters. Your other sessions are signed out.">
        <input id="pw-new" type="password" autoComplete="new-password" required minLength={10} value={next} onChange={(e) => setNext(e.target.value)} />
      </Field>
      <Field id="pw-again" label="Repeat the new password">
        <input id="pw-again" type="password" autoComplete="new-password" required value={again} onChange={(e) => setAgain(e.target.value)} aria-invalid={mismatch} />
        {mismatch && <small className="error-text">The passwords differ.</small>}
      </Field>
      <FormError error={save.error} />
      <FormActions busy={save.busy} disabled={mismatch} label="Change password" />
    </form>
  );
}
