import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, setSessionLostHandler } from '../api/client';
import { setCsrf } from '../api/csrf';

export type Role = 'viewer' | 'member' | 'admin' | 'owner';
const ROLES: Role[] = ['viewer', 'member', 'admin', 'owner'];

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

interface MeResponse {
  user: SessionUser | null;
  principal: { method: string; id: string; role: Role | null; scopes: string[] };
  csrfToken: string | null;
}

export interface SignInAnswer {
  user: SessionUser;
  csrfToken: string | null;
}

/**
 * Where the console stands with the server: still asking, needs first-run setup, signed out,
 * signed in, or unreachable (with why).
 */
export type SessionState =
  | { status: 'loading' }
  | { status: 'setup' }
  | { status: 'signed-out'; reason?: string }
  | { status: 'signed-in'; user: SessionUser }
  | { status: 'unavailable'; error: unknown };

interface SessionValue {
  state: SessionState;
  /** After a successful sign-in or setup answer. */
  signedIn(answer: SignInAnswer): void;
  signOut(): Promise<void>;
  /** Re-reads /api/auth/me (e.g. after a 401 from any call). */
  refresh(): void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function atLeast(role: Role | undefined, minimum: Role): boolean {
  return role !== undefined && ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}

async function loadSession(signal: AbortSignal): Promise<SessionState> {
  try {
    const me = await api<MeResponse>('/api/auth/me', { signal });
    if (!me.user) return { status: 'signed-out', reason: 'This credential belongs to no console user.' };
    setCsrf(me.csrfToken);
    return { status: 'signed-in', user: me.user };
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) return { status: 'unavailable', error: err };
    const expired = err.code === 'session_expired';
    const setup = await api<{ required: boolean }>('/api/setup', { signal });
    if (setup.required) return { status: 'setup' };
    return { status: 'signed-out', reason: expired ? 'Your session ended. Sign in again.' : undefined };
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    loadSession(controller.signal).then(
      (s) => !controller.signal.aborted && setState(s),
      (error) => !controller.signal.aborted && setState({ status: 'unavailable', error }),
    );
    return () => controller.abort();
  }, [version]);

  useEffect(() => {
    setSessionLostHandler(() => {
      setCsrf(null);
      setState({ status: 'signed-out', reason: 'Your session ended. Sign in again.' });
    });
    return () => setSessionLostHandler(null);
  }, []);

  const signedIn = useCallback((answer: SignInAnswer) => {
    setCsrf(answer.csrfToken);
    setState({ status: 'signed-in', user: answer.user });
  }, []);
  const signOut = useCallback(async () => {
    try {
      await api('/api/auth/logout', { method: 'POST' });
    } finally {
      setCsrf(null);
      setState({ status: 'signed-out' });
    }
  }, []);
  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  return <SessionContext.Provider value={{ state, signedIn, signOut, refresh }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in user (pages below the shell are only drawn when someone is signed in). */
export function useUser(): SessionUser {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useUser while signed out');
  return state.user;
}
