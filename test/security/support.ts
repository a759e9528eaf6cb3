import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { ConfigFile } from '../../server/src/config/config-file';
import { readEnv } from '../../server/src/config/env';
import type { GatewayHooks } from '../../server/src/dispatch/hooks';
import { createGateway, type Gateway } from '../../server/src/gateway';
import type { IdentitySettings } from '../../server/src/identity/settings';
import { createLogger } from '../../server/src/logger';
import type { Backend } from '../support/backends';
import { TEST_ADMIN_KEY, TEST_MASTER_KEY } from '../support/gateway';
import { createTempDatabase } from '../support/postgres';

export { TEST_ADMIN_KEY, TEST_MASTER_KEY };

export interface Captured {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface SecurityGateway extends Gateway {
  /** Every JSON log line the server wrote. */
  logs: string[];
  /** Every response this helper received (for secret scans). */
  responses: Captured[];
  call<T = any>(method: string, path: string, options?: { headers?: Record<string, string>; body?: unknown; raw?: string }): Promise<Reply<T>>;
  stop(): Promise<void>;
}

/**
 * A real gateway on a random port like test/support's, but with its logs captured (debug level)
 * and identity settings adjustable, for the security suites. Password hashing is cheaper than in
 * production (N = 2^12) to keep the suites fast; passwords.test.ts covers the real parameters.
 */
export async function startSecurityGateway(options: { backend: Backend; identity?: Partial<IdentitySettings>; config?: ConfigFile; env?: Record<string, string>; hooks?: GatewayHooks[] }): Promise<SecurityGateway> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sy-sec-'));
  const tempDb = options.backend === 'postgres' ? await createTempDatabase() : undefined;
  const env = readEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_CONFIG: '',
    SWITCHYARD_ADMIN_KEY: TEST_ADMIN_KEY,
    SWITCHYARD_MASTER_KEY: TEST_MASTER_KEY,
    SWITCHYARD_LOG_LEVEL: 'debug',
    ...(tempDb ? { DATABASE_URL: tempDb.url } : {}),
    ...options.env,
  });
  env.configFile = path.join(dataDir, 'none.yaml');
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger('debug', sink);
  const gw = await createGateway({ env, logger, config: options.config ?? { providers: [], models: [], pipelines: [] }, identity: { scrypt: { log2N: 12, r: 8, p: 1 }, ...options.identity }, hooks: options.hooks });
  const responses: Captured[] = [];
  const call = async (method: string, p: string, o: { headers?: Record<string, string>; body?: unknown; raw?: string } = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...o.headers };
    let body: string | undefined = o.raw;
    if (o.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(o.body);
    }
    const res = await fetch(gw.url + p, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    const h: Record<string, string> = {};
    res.headers.forEach((v, k) => (h[k] = v));
    responses.push({ method, path: p, status: res.status, headers: h, text });
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // CSV, HTML: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
  return Object.assign(gw, {
    logs,
    responses,
    call,
    async stop() {
      await gw.close();
      await tempDb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

export const adminKeyHeaders = { authorization: `Bearer ${TEST_ADMIN_KEY}` };

/** A signed-in console user: the cookie and the CSRF token, as the console sends them. */
export interface ConsoleSession {
  cookie: string;
  token: string;
  csrf: string;
  userId: string;
  headers: Record<string, string>;
}

export function sessionFrom(reply: Reply): ConsoleSession {
  const setCookie = reply.headers.get('set-cookie') ?? '';
  const m = /sy_session=([^;]+)/.exec(setCookie);
  if (!m) throw new Error(`no session cookie in ${reply.status} ${reply.text}`);
  const cookie = `sy_session=${m[1]}`;
  return { cookie, token: m[1], csrf: reply.body.csrfToken, userId: reply.body.user.id, headers: { cookie, 'x-csrf-token': reply.body.csrfToken } };
}

export async function finishSetup(gw: SecurityGateway, email: string, password: string): Promise<ConsoleSession> {
  const reply = await gw.call('POST', '/api/setup', { body: { token: gw.setup!.token, email, password, name: 'The Owner' } });
  if (reply.status !== 201) throw new Error(`setup failed: ${reply.status} ${reply.text}`);
  return sessionFrom(reply);
}

export async function login(gw: SecurityGateway, email: string, password: string, headers: Record<string, string> = {}): Promise<ConsoleSession> {
  const reply = await gw.call('POST', '/api/auth/login', { body: { email, password }, headers });
  if (reply.status !== 200) throw new Error(`login failed: ${reply.status} ${reply.text}`);
  return sessionFrom(reply);
}

export async function createUser(gw: SecurityGateway, role: string, email: string, password: string): Promise<string> {
  const reply = await gw.call('POST', '/api/users', { headers: adminKeyHeaders, body: { email, role, password } });
  if (reply.status !== 201) throw new Error(`user creation failed: ${reply.status} ${reply.text}`);
  return reply.body.id;
}

export async function createKey(gw: SecurityGateway, body: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const reply = await gw.call('POST', '/api/keys', { headers: adminKeyHeaders, body });
  if (reply.status !== 201) throw new Error(`key creation failed: ${reply.status} ${reply.text}`);
  return { id: reply.body.id, key: reply.body.key };
}

let counter = 0;
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
