let token: string | null = null;

/** The CSRF token the server hands the signed-in console; sent on state-changing calls. */
export function setCsrf(value: string | null): void {
  token = value;
}

export function csrfHeader(): Record<string, string> {
  return token ? { 'x-csrf-token': token } : {};
}
