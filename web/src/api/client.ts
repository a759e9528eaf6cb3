import { csrfHeader } from './csrf';
/**
 * The console's one way to talk to the server: same-origin fetch with the session cookie, the
 * CSRF token on state-changing calls, and OpenAI-shaped errors turned into ApiError.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

/** Told when the server says the session is gone, so the console can show the sign-in screen. */
let onSessionLost: (() => void) | null = null;
export function setSessionLostHandler(handler: (() => void) | null): void {
  onSessionLost = handler;
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') Object.assign(headers, csrfHeader());
  const res = await fetch(path, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), credentials: 'same-origin', signal: init.signal });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const err = (data as { error?: { message?: string; code?: string; param?: string } } | undefined)?.error;
    if (res.status === 401 && err?.code === 'session_expired' && !path.startsWith('/api/auth/')) onSessionLost?.();
    throw new ApiError(res.status, err?.message ?? `${res.status} ${res.statusText}`, err?.code ?? null, err?.param ?? null);
  }
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { message: text.slice(0, 200) } };
  }
}
