import type { Server as HttpServer } from 'node:http';
import type { Logger } from '@switchyard/spec';
import type { AuthChain } from '../auth/auth-chain';
import type { Db } from '../db/connect';
import type { GatewayHooks } from '../dispatch/hooks';
import { LiveFeed } from '../live/live-feed';
import { ActiveRequests } from '../metrics/active-requests';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { observeRequests } from './request-observer';
import { readObservabilitySettings, type ObservabilitySettings } from './settings';
import { createUsageServices, newInstanceId, type UsageServices } from './usage-services';

/**
 * Usage recording, analytics, Prometheus metrics and the live feed, wired together for
 * createGateway: one set of request hooks feeds all three.
 */
export interface Observability {
  instanceId: string;
  settings: ObservabilitySettings;
  /** Add to the gateway's combineHooks list (after billing, whose figures it reads). */
  hooks: GatewayHooks;
  usage: UsageServices;
  metrics: GatewayMetrics;
  active: ActiveRequests;
  live?: LiveFeed;
  /** Starts the live feed (socket.io) on the HTTP server; `allowedOrigins` as for /api (SWITCHYARD_CORS_ORIGINS). */
  attachLiveFeed(server: HttpServer, auth: AuthChain, allowedOrigins?: string[]): Promise<LiveFeed>;
  /** Disconnects dashboards; call before closing the HTTP server (open sockets would hold it). */
  closeLiveFeed(): Promise<void>;
  /** Writes the queued usage events and stops timers; call after the HTTP server closed. */
  close(): Promise<void>;
}

export function createObservability(options: { db: Db; logger: Logger; redisUrl?: string; settings?: ObservabilitySettings; dataDir?: string; instanceId?: string; pendingCharges?: () => number }): Observability {
  const { db, logger } = options;
  const settings = options.settings ?? readObservabilitySettings(process.env);
  const instanceId = options.instanceId ?? newInstanceId();
  const usage = createUsageServices({ db, logger, settings, instanceId, dataDir: options.dataDir });
  const active = new ActiveRequests();
  const metrics = new GatewayMetrics({ usage: () => usage.recorder.status(), active, pendingCharges: options.pendingCharges });
  let live: LiveFeed | undefined;

  const observer = observeRequests(
    [
      (_summary, event) => event && usage.recorder.record(event),
      (summary, event) => metrics.observe(summary, event),
      (_summary, event) => event && live?.push(event),
    ],
    logger,
  );
  const hooks: GatewayHooks = {
    beforeAttempt: active.hooks.beforeAttempt,
    onRequestEnd(summary) {
      active.hooks.onRequestEnd!(summary);
      observer.onRequestEnd!(summary);
    },
  };
  usage.start();

  return {
    instanceId,
    settings,
    hooks,
    usage,
    metrics,
    active,
    get live() {
      return live;
    },
    async attachLiveFeed(server, auth, allowedOrigins) {
      live = await LiveFeed.start({ server, auth, active, instanceId, logger, redisUrl: options.redisUrl, redisPrefix: settings.redisPrefix, allowedOrigins });
      return live;
    },
    async closeLiveFeed() {
      await live?.close();
    },
    async close() {
      await usage.close();
      metrics.stopLoopMonitor();
    },
  };
}
