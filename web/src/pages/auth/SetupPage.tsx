import { useState } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../api/use-action';
import { useSession, type SignInAnswer } from '../../auth/session';
import { Field, FormError, SubmitButton } from '../../components/form';
import { useRouter } from '../../router';
import { AuthCard } from './AuthCard';

/**
 * First run: no owner exists yet. The server prints a one-time link (/setup?token=…) when it
 * starts; the token proves the person here can read the server's output.
 */
export function SetupPage() {
  const { signedIn } = useSession();
  const { navigate } = useRouter();
  const fromUrl = new URLSearchParams(window.location.search).get('token') ?? '';
  const [token, setToken] = useState(fromUrl);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const setup = useAction();
  const mismatch = confirm !== '' && confirm !== password;
  return (
    <AuthCard
      id="setup-title"
      title="Set up Switchyard"
      onSubmit={async (e) => {
        e.preventDefault();
        if (mismatch) return;
        await setup.run(async () => {
          const answer = await api<SignInAnswer>('/api/setup', { method: 'POST', body: { token: token.trim(), email, password, ...(name.trim() ? { name: name.trim() } : {}) } });
          navigate('/', { replace: true });
          signedIn(answer);
        });
      }}
    >
      <p className="muted">Create the owner account. The owner can invite everyone else.</p>
      {!fromUrl && (
        <p className="notice">
          Open the setup link the server printed when it started (it holds a one-time token), or paste the token below. Restarting the server prints a new one.
        </p>
      )}
      <Field id="setup-token" label="Setup token" hidden={Boolean(fromUrl)}>
        <input id="setup-token" required autoComplete="off" spellCheck={false} value={token} onChange={(e) => setToken(e.target.value)} />
      </Field>
      <Field id="setup-name" label="Your name">
        <input id="setup-name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field id="setup-email" label="Email">
        <input id="setup-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </Field>
      <Field id="setup-password" label="Password">
        <input id="setup-password" type="password" autoComplete="new-password" required minLength={10} value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby="setup-password-help" />
        <small id="setup-password-help" className="help">
          At least 10 characters; a long passphrase is best.
        </small>
      </Field>
      <Field id="setup-confirm" label="Repeat the password">
        <input id="setup-confirm" type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} aria-invalid={mismatch} />
        {mismatch && <small className="error-text">The passwords differ.</small>}
      </Field>
      <FormError error={setup.error} />
      <SubmitButton className="wide" busy={setup.busy} disabled={mismatch} label="Create owner and sign in" busyLabel="Creating…" />
    </AuthCard>
  );
}
