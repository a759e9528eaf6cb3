import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ADMIN_KEY = 'sy-admin-fault-test-0123456789';
export const MASTER_KEY = Buffer.alloc(32, 9).toString('base64');

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

/** One JSON call to a gateway (admin key unless told otherwise); never throws on an HTTP status. */
export async function call(url: string, method: string, route: string, body?: unknown, key = ADMIN_KEY, signal?: AbortSignal): Promise<Answer> {
  const res = await fetch(`${url}${route}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/**
 * A data folder with a config file that declares one OpenAI-style provider `openai` at `baseUrl`
 * (settings merged in) and the model `gpt-4o-mini` on it.
 */
export function dataDirWithProvider(baseUrl: string, settings: Record<string, unknown> = {}): { dir: string; configFile: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-faults-'));
  const configFile = path.join(dir, 'switchyard.config.yaml');
  // JSON is YAML.
  writeFileSync(
    configFile,
    JSON.stringify({
      providers: [{ id: 'openai', plugin: 'openai', settings: { baseUrl, ...settings }, credentials: [{ name: 'main', secret: { apiKey: 'sk-emulator-openai-0001' } }] }],
      models: [{ id: 'gpt-4o-mini', provider: 'openai' }],
    }),
  );
  return { dir, configFile };
}

export { within } from '../support/within';
