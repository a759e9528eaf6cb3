import { useState } from 'react';
import { api, ApiError } from '../../api/client';
import { useSession, type SignInAnswer } from '../../auth/session';
import { Brand } from '../../components/Brand';

export function SignInPage({ reason }: { reason?: string }) {
  const { signedIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main className="auth-screen">
      <form
        className="auth-card"
        aria-labelledby="signin-title"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            signedIn(await api<SignInAnswer>('/api/auth/login', { method: 'POST', body: { email, password } }));
          } catch (err) {
            setError(err instanceof ApiError ? err.message : String(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Brand />
        <h1 id="signin-title">Sign in</h1>
        {reason && <p className="notice">{reason}</p>}
        <div className="field">
          <label htmlFor="signin-email">Email</label>
          <input id="signin-email" type="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="signin-password">Password</label>
          <input id="signin-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="wide" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">Accounts are created by an administrator under Users. Forgot your password? Ask one to set a new one.</p>
      </form>
    </main>
  );
}
