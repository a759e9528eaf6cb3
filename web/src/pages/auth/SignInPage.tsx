import { useState } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../api/use-action';
import { useSession, type SignInAnswer } from '../../auth/session';
import { Field, FormError, SubmitButton } from '../../components/form';
import { AuthCard } from './AuthCard';

export function SignInPage({ reason }: { reason?: string }) {
  const { signedIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useAction();
  return (
    <AuthCard
      id="signin-title"
      title="Sign in"
      onSubmit={async (e) => {
        e.preventDefault();
        await signIn.run(async () => signedIn(await api<SignInAnswer>('/api/auth/login', { method: 'POST', body: { email, password } })));
      }}
    >
      {reason && <p className="notice">{reason}</p>}
      <Field id="signin-email" label="Email">
        <input id="signin-email" type="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
      </Field>
      <Field id="signin-password" label="Password">
        <input id="signin-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      </Field>
      <FormError error={signIn.error} />
      <SubmitButton className="wide" busy={signIn.busy} label="Sign in" busyLabel="Signing in…" />
      <p className="muted small">Accounts are created by an administrator under Users. Forgot your password? Ask one to set a new one.</p>
    </AuthCard>
  );
}
