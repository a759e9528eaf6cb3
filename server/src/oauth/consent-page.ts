import type { AuthorizationRequest } from './authorize';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A minimal consent page for third-party clients; the form posts the request back with the session's CSRF token. */
export function consentPage(request: AuthorizationRequest, email: string, csrf: string): string {
  const hidden: Record<string, string> = {
    response_type: 'code',
    client_id: request.client.id,
    redirect_uri: request.redirectUri,
    scope: request.scopes.join(' '),
    code_challenge: request.codeChallenge,
    code_challenge_method: 'S256',
    csrf_token: csrf,
    ...(request.state ? { state: request.state } : {}),
  };
  const fields = Object.entries(hidden)
    .map(([k, v]) => `<input type="hidden" name="${k}" value="${escapeHtml(v)}">`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Authorize ${escapeHtml(request.client.name)}</title></head><body>
<h1>${escapeHtml(request.client.name)} wants to use Switchyard as ${escapeHtml(email)}</h1>
<p>Scopes: ${request.scopes.map(escapeHtml).join(', ')}</p>
<form method="post" action="/oauth/authorize">${fields}
<button name="decision" value="approve">Allow</button> <button name="decision" value="deny">Deny</button></form></body></html>`;
}
