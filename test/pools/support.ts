import { expect } from 'vitest';
import type { AttemptRecord, RequestSummary } from '../../server/src/dispatch/hooks';
import { TEST_ADMIN_KEY, type TestGateway } from '../support/gateway';

/** A credential as GET /api/providers/:id shows it (the pool's live view). */
export interface PoolView {
  id: string;
  name: string;
  weight: number;
  state: 'active' | 'disabled' | 'cooling';
  reason: string | null;
  cooldownUntil: number | null;
}

/** A credential as GET /api/providers/:id/credentials shows it (what is stored). */
export interface StoredCredential {
  id: string;
  name: string;
  state: 'active' | 'disabled' | 'cooling';
  stateReason: string | null;
  cooldownUntil: number | null;
}

/** Collects every request summary the gateway reports, to see which credential each attempt used. */
export class SummaryLog {
  readonly all: RequestSummary[] = [];
  readonly hook = { onRequestEnd: (s: RequestSummary) => void this.all.push(s) };

  /** The summary of the request with this id (the gateway echoes it in x-request-id). */
  of(requestId: string): RequestSummary {
    const found = this.all.find((s) => s.requestId === requestId);
    if (!found) throw new Error(`no summary for ${requestId}`);
    return found;
  }
}

/** One chat request through the gateway; resolves with its status, request id and the time it was sent. */
export async function chat(gw: TestGateway, model: string): Promise<{ status: number; requestId: string; sentAt: number; body: unknown }> {
  const sentAt = Date.now();
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
    body: JSON.stringify({ model, max_tokens: 20, messages: [{ role: 'user', content: 'pool check' }] }),
  });
  return { status: res.status, requestId: res.headers.get('x-request-id')!, sentAt, body: await res.json() };
}

export async function poolView(gw: TestGateway, providerId: string): Promise<PoolView[]> {
  const res = await fetch(`${gw.url}/api/providers/${providerId}`, { headers: gw.auth });
  expect(res.status).toBe(200);
  return ((await res.json()) as { credentials: PoolView[] }).credentials;
}

export async function storedCredentials(gw: TestGateway, providerId: string): Promise<StoredCredential[]> {
  const res = await fetch(`${gw.url}/api/providers/${providerId}/credentials`, { headers: gw.auth });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: StoredCredential[] }).data;
}

export const credentialsUsed = (attempts: AttemptRecord[]): Array<string | null> => attempts.map((a) => a.credentialId);
