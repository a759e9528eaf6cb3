import type { RequestListener } from 'node:http';
import bytes from 'bytes';
import express, { type Express } from 'express';
import proxyaddr from 'proxy-addr';
import { errors } from '@switchyard/core';
import type { Logger } from '@switchyard/spec';
import type { AuthChain } from '../auth/auth-chain';
import type { BillingService } from '../billing/billing-service';
import type { Catalog } from '../catalog/catalog';
import type { Dispatcher } from '../dispatch/dispatcher';
import type { GatewayHooks } from '../dispatch/hooks';
import type { PluginRegistry } from '@switchyard/core';
import type { CredentialRepo } from '../repos/credentials';
import type { ModelRecord, ModelRepo } from '../repos/models';
import type { ProviderRepo } from '../repos/providers';
import type { Identity } from '../identity';
import { adminGuard } from '../identity/authorize';
import { apiCors, v1Cors } from '../identity/cors';
import { securityHeaders } from '../identity/security-headers';
import { oauthClientRoutes, oauthEndpoints, type OAuth } from '../oauth';
import { publicAuthRoutes } from './admin/auth-routes';
import { auditCatalogChanges } from './admin/catalog-audit';
import { identityRoutes } from './admin/identity-routes';
import { metricsRoute } from '../metrics/metrics-route';
import type { Observability } from '../usage/observability';
import type { PipelineService } from '../pipelines/pipeline-service';
import { billingRoutes, publicBillingRoutes } from './admin/billing-routes';
import { analyticsRoutes } from './admin/analytics-routes';
import { catalogRoutes } from './admin/catalog-routes';
import { consoleRoutes } from './console';
import { pluginRoutes } from './admin/plugin-routes';
import { pipelineRoutes } from './admin/pipeline-routes';
import { authenticate } from './authenticate';
import { errorHandler } from './errors';
import { requestId } from './request-context';
import { v1Endpoints, v1Router } from './v1/router';
import { v1Lane } from './v1/v1-lane';

export interface AppDeps {
  logger: Logger;
  auth: AuthChain;
  catalog: Catalog;
  dispatcher: Dispatcher;
  hooks: Required<GatewayHooks>;
  registry: PluginRegistry;
  providers: ProviderRepo;
  credentials: CredentialRepo;
  models: ModelRepo;
  bodyLimit: string;
  billing: BillingService;
  /** Extra fields for each model in /v1/models (prices, capabilities). */
  modelExtras?: (m: ModelRecord) => Record<string, unknown>;
  /** Answers readiness (database reachable, etc.). */
  ready: () => Promise<boolean>;
  /** True once the instance is shutting down: not ready, whatever `ready` says. */
  draining?: () => boolean;
  /** Usage analytics (/api/analytics) and Prometheus metrics (/metrics). */
  observability?: Observability;
  /** The built console (web/dist). */
  consoleDir: string;
  /** Users, sessions, API keys, audit log, and the security settings. */
  identity: Identity;
  /** OAuth 2.0 authorization server (/oauth/*, /.well-known/oauth-authorization-server, /api/oauth/clients). */
  oauth?: OAuth;
  /** Routing pipelines (/api/pipelines, /api/node-types). */
  pipelines?: PipelineService;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('trust proxy', deps.identity.settings.trustProxy);
  app.use(securityHeaders());

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (deps.draining?.()) return void res.status(503).json({ status: 'draining' });
    const ok = await deps.ready().catch(() => false);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not_ready' });
  });

  const obs = deps.observability;
  if (obs) app.get('/metrics', metricsRoute(obs.metrics, obs.settings.metricsToken));

  app.use(requestId);
  if (deps.oauth) app.use(oauthEndpoints({ clients: deps.oauth.clients, grants: deps.oauth.grants, sessions: deps.identity.sessions }));
  // Identity and access: CORS, sign-in and first run, then one role gate for everything else under /api.
  app.use('/v1', v1Cors(deps.identity.settings.v1CorsAnyOrigin));
  app.use('/api', apiCors(deps.identity.settings.corsOrigins), publicAuthRoutes(deps), adminGuard(authenticate(deps.auth, 'admin')));
  if (obs) app.use('/api/analytics', authenticate(deps.auth, 'admin'), analyticsRoutes({ usage: obs.usage }));
  app.use('/v1', v1Router(deps));
  // Unauthenticated: the public model list (when enabled) and payment webhooks (signed).
  app.use('/api/public', publicBillingRoutes(deps));
  app.use('/api/billing', authenticate(deps.auth, 'admin'), billingRoutes(deps));
  app.use('/api', authenticate(deps.auth, 'admin'), auditCatalogChanges(deps), catalogRoutes(deps), pluginRoutes(deps), identityRoutes(deps));
  if (deps.pipelines) app.use('/api', authenticate(deps.auth, 'admin'), pipelineRoutes({ pipelines: deps.pipelines }));
  if (deps.oauth) app.use('/api', authenticate(deps.auth, 'admin'), oauthClientRoutes({ clients: deps.oauth.clients, audit: deps.identity.audit }));

  // Unknown API paths answer like OpenAI does, in its error shape.
  app.use(['/v1', '/api'], (req, _res, next) => {
    next(errors.notFound(`Invalid URL (${req.method} ${req.originalUrl.split('?')[0]})`, null, 'unknown_url'));
  });
  app.use(consoleRoutes(deps.consoleDir));
  app.use(errorHandler(deps.logger));
  return app;
}

/**
 * What the HTTP server runs: the v1 lane for the hot /v1 endpoints in front of the express app
 * for everything else (see v1-lane.ts).
 */
export function requestListener(app: Express, deps: AppDeps): RequestListener {
  const trust = app.get('trust proxy fn') as Parameters<typeof proxyaddr>[1];
  const lane = {
    auth: deps.auth,
    catalog: deps.catalog,
    endpoints: v1Endpoints(deps),
    bodyLimitBytes: bytes.parse(deps.bodyLimit) ?? 0,
    corsAnyOrigin: deps.identity.settings.v1CorsAnyOrigin,
    clientIp: (req: Parameters<typeof proxyaddr>[0]) => proxyaddr(req, trust),
    logger: deps.logger,
  };
  return v1Lane(lane, app);
}
