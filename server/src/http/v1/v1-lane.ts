import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { errors } from '@switchyard/core';
import type { Logger } from '@switchyard/spec';
import type { AuthChain } from '../../auth/auth-chain';
import { setV1CorsHeaders } from '../../identity/cors';
import { modelAllowed, type ModelResolver } from '../../identity/model-access';
import { hasScope, missingScope } from '../authenticate';
import { answerError } from '../errors';
import { assignRequestId } from '../request-context';
import { isPlainJson, readJsonBody } from './read-json-body';
import type { V1Endpoint } from './router';

export interface V1LaneDeps {
  auth: AuthChain;
  catalog: ModelResolver;
  /** The JSON endpoints by path under /v1 (see v1Endpoints). */
  endpoints: Map<string, V1Endpoint>;
  bodyLimitBytes: number;
  corsAnyOrigin: boolean;
  /** The client's address as express reports it (honours `trust proxy`). */
  clientIp(req: IncomingMessage): string;
  logger: Logger;
}

const PREFIX = '/v1';

/**
 * The lean path for the hot endpoints. A POST with a plain JSON body to /v1/chat/completions,
 * /v1/embeddings or /v1/images/generations is served here, in one function, with exactly what
 * the express chain does for /v1 (nosniff, request id, CORS, authentication with the endpoint's
 * scope, the body limit, per-key model access, OpenAI-shaped errors), without express's
 * per-request routing and middleware machinery, which was the largest share of the gateway's own
 * time. Everything else, including any request this lane does not read itself (other content
 * types, compressed bodies), goes on to `next` (the express app) untouched.
 */
export function v1Lane(deps: V1LaneDeps, next: RequestListener): RequestListener {
  const routes = new Map([...deps.endpoints].map(([path, endpoint]) => [PREFIX + path, { path, endpoint }]));
  return (req, res) => {
    if (req.method !== 'POST') return next(req, res);
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const route = routes.get(q < 0 ? url : url.slice(0, q));
    if (!route || !isPlainJson(req.headers['content-type']) || hasContentEncoding(req)) return next(req, res);
    void serve(deps, route.path, route.endpoint, req, res);
  };
}

async function serve(deps: V1LaneDeps, path: string, endpoint: V1Endpoint, req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const requestId = assignRequestId(req, res);
  if (deps.corsAnyOrigin && req.headers.origin !== undefined) setV1CorsHeaders(res);
  try {
    // As the express route: authenticate (and check the scope) before reading the body.
    const principal = await deps.auth.authenticate({ method: 'POST', path, ip: deps.clientIp(req), headers: req.headers });
    if (!hasScope(principal, endpoint.scope)) throw missingScope(endpoint.scope);
    const body = await readJsonBody(req, deps.bodyLimitBytes);
    const model = (body as { model?: unknown }).model;
    if (typeof model === 'string' && !modelAllowed(principal, model, deps.catalog)) throw errors.modelNotFound(model);
    await endpoint.handle({ req, res, body, requestId, principal });
  } catch (err) {
    answerError(deps.logger, res, err, { requestId, path: PREFIX + path });
  }
}

function hasContentEncoding(req: IncomingMessage): boolean {
  const encoding = req.headers['content-encoding'];
  return encoding !== undefined && encoding.toLowerCase() !== 'identity';
}
