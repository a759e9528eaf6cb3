import type { Server as HttpServer } from 'node:http';
import type { createAdapter } from '@socket.io/redis-adapter';
import { GatewayError, errors } from '@switchyard/core';
import type { Logger } from '@switchyard/spec';
import type { Redis } from 'ioredis';
import { Server, type Namespace, type Socket } from 'socket.io';
import type { AuthChain } from '../auth/auth-chain';
import type { ActiveRequests } from '../metrics/active-requests';
import { RateLimitedLog } from '../usage/rate-limited-log';
import { trafficScope, type TrafficScope } from '../usage/traffic-scope';
import type { UsageEvent } from '../usage/usage-event';
import { toLiveRequest, type LiveRequest } from './live-request';
import { Counts, LiveWindow } from './live-window';

export const LIVE_NAMESPACE = '/live';
/** Inter-instance message (socket.io serverSideEmit over the Redis adapter). */
const PEER_EVENT = 'switchyard:live';
const ALL_ROOM = 'scope:all';
const userRoom = (userId: string) => `user:${userId}`;

const RECENT_KEPT = 200;
const RECENT_SENT = 50;
/** Requests pushed per tick per room; the rest are counted in the stats but not listed. */
const REQUESTS_PER_TICK = 100;
/** A peer that has not published for this long is considered gone. */
const PEER_TTL_MS = 5000;

interface PeerMessage {
  instance: string;
  requests: LiveRequest[];
  streams: number;
  streamsByUser: Record<string, number>;
}

export interface LiveFeedOptions {
  server: HttpServer;
  auth: AuthChain;
  active: ActiveRequests;
  instanceId: string;
  logger: Logger;
  /** With Redis, every instance's traffic reaches every dashboard. */
  redisUrl?: string;
  redisPrefix: string;
  /** Browser origins besides the server's own that may connect (SWITCHYARD_CORS_ORIGINS, as for /api). */
  allowedOrigins?: string[];
  /** Stats period (1 s); tests shorten it. */
  tickMs?: number;
  /** How often this instance publishes to its peers. */
  publishMs?: number;
}

/**
 * The console's live dashboard over socket.io, namespace `/live`.
 *
 * Handshake: the same AuthChain as HTTP, fed the handshake headers (so a session cookie works
 * once identity adds it) plus `auth.token` as a bearer token. Admins join the room of all
 * traffic; a console user joins their own user's room and only ever receives that user's
 * requests and figures (filtered here, on the server).
 *
 * Events to the client: `hello` {instance, scope}, `recent` (last requests, on connect),
 * `stats` (every second: LiveStats) and `requests` (the requests finished in that second).
 *
 * Several instances: each publishes its finished requests and its streams in flight to the
 * others through the Redis adapter (serverSideEmit); each instance aggregates everything it
 * hears for its own sockets, so one dashboard sees the whole deployment.
 */
/** ioredis and the socket.io Redis adapter: loaded only for a feed that uses Redis (see LiveFeed.start). */
export interface LiveFeedRedisModules {
  Redis: typeof Redis;
  createAdapter: typeof createAdapter;
}

export async function loadLiveFeedRedisModules(): Promise<LiveFeedRedisModules> {
  const [{ Redis }, { createAdapter }] = await Promise.all([import('ioredis'), import('@socket.io/redis-adapter')]);
  return { Redis, createAdapter };
}

export class LiveFeed {
  /**
   * Makes a feed, importing the Redis client and adapter only when `redisUrl` is set: most single
   * instances run without Redis and should not hold ioredis in memory.
   */
  static async start(options: LiveFeedOptions): Promise<LiveFeed> {
    return new LiveFeed(options, options.redisUrl ? await loadLiveFeedRedisModules() : undefined);
  }

  readonly io: Server;
  private readonly nsp: Namespace;
  private readonly window = new LiveWindow();
  private readonly recent: LiveRequest[] = [];
  private outbox: LiveRequest[] = [];
  private readonly peers = new Map<string, { streams: number; streamsByUser: Record<string, number>; at: number }>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly redis: Redis[] = [];
  private readonly redisLog: RateLimitedLog;
  private lastPublish = 0;

  constructor(
    private readonly options: LiveFeedOptions,
    redisModules?: LiveFeedRedisModules,
  ) {
    this.redisLog = new RateLimitedLog(options.logger, 'warn');
    const allowed = new Set(options.allowedOrigins ?? []);
    this.io = new Server({
      serveClient: false,
      // As for /api: a browser on another origin may not connect, even where it would send the
      // session cookie (cross-site WebSocket hijacking). Clients that send no Origin are not browsers.
      allowRequest: (req, callback) => {
        const origin = req.headers.origin;
        const ok = origin === undefined || allowed.has(origin) || sameHost(origin, req.headers.host);
        callback(ok ? null : 'origin not allowed', ok);
      },
    });
    if (options.redisUrl) {
      if (!redisModules) throw new Error('a live feed with Redis is made by LiveFeed.start, which loads the Redis modules');
      const { Redis, createAdapter } = redisModules;
      // Commands wait for Redis to come back rather than fail: the adapter does not handle a
      // rejected publish or subscribe, and an unhandled rejection would end the process.
      const pub = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
      const sub = pub.duplicate();
      for (const c of [pub, sub]) c.on('error', (err) => this.redisLog.log({ err: { message: err.message } }, 'live feed: Redis connection problem'));
      const publish = pub.publish.bind(pub) as (channel: string, message: string) => Promise<number>;
      (pub as unknown as { publish: typeof publish }).publish = (channel, message) =>
        publish(channel, message).catch((err: Error) => {
          this.redisLog.log({ err: { message: err.message } }, 'live feed: publishing to Redis failed');
          return 0;
        });
      this.redis.push(pub, sub);
      this.io.adapter(createAdapter(pub, sub, { key: `${options.redisPrefix}:socket.io` }));
    }
    this.io.attach(options.server);
    // Only /live is served; the default namespace refuses everyone.
    this.io.of('/').use((_socket, next) => next(new Error(`Use the ${LIVE_NAMESPACE} namespace.`)));
    this.nsp = this.io.of(LIVE_NAMESPACE);
    this.nsp.use((socket, next) => {
      this.authorize(socket).then(
        () => next(),
        (err) => next(toConnectError(err)),
      );
    });
    this.nsp.on('connection', (socket) => this.onConnection(socket));
    this.nsp.on(PEER_EVENT, (msg: PeerMessage) => this.onPeer(msg));

    const tick = options.tickMs ?? 1000;
    const publish = options.publishMs ?? Math.min(250, tick);
    this.timers.push(setInterval(() => this.emitTick(), tick), setInterval(() => this.publish(), publish));
    for (const t of this.timers) t.unref();
  }

  /** Resolves when the Redis clients are connected (immediately without Redis). */
  async ready(): Promise<void> {
    await Promise.all(this.redis.map((c) => (c.status === 'ready' ? undefined : new Promise<void>((resolve) => c.once('ready', () => resolve())))));
  }

  /** A request of this instance ended. */
  push(event: UsageEvent): void {
    const r = toLiveRequest(event, this.options.instanceId);
    this.ingest(r);
    if (this.redis.length) this.outbox.push(r);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    // Not io.close(): that would also close the HTTP server, which the gateway closes itself.
    for (const socket of this.nsp.sockets.values()) socket.disconnect(true);
    await Promise.allSettled([this.nsp.adapter.close(), this.io.of('/').adapter.close()]);
    this.io.engine.close();
    await Promise.allSettled(this.redis.map((c) => (c.status === 'ready' ? c.quit() : c.disconnect())));
  }

  private async authorize(socket: Socket): Promise<void> {
    const headers = { ...socket.handshake.headers } as Record<string, string | string[] | undefined>;
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token === 'string' && token) headers.authorization = `Bearer ${token}`;
    const principal = await this.options.auth.authenticate({ method: 'GET', path: '/socket.io/', ip: socket.handshake.address, headers });
    const scope = trafficScope(principal);
    if (!scope) throw errors.forbidden('Only console users may watch the live feed.', 'live_forbidden');
    socket.data.scope = scope;
  }

  private onConnection(socket: Socket): void {
    const scope = socket.data.scope as TrafficScope;
    void socket.join(scope.kind === 'all' ? ALL_ROOM : userRoom(scope.userId));
    socket.emit('hello', { instance: this.options.instanceId, scope });
    socket.emit('recent', this.visible(this.recent, scope).slice(-RECENT_SENT));
  }

  private onPeer(msg: PeerMessage): void {
    if (!msg || msg.instance === this.options.instanceId) return;
    this.peers.set(msg.instance, { streams: msg.streams, streamsByUser: msg.streamsByUser ?? {}, at: Date.now() });
    for (const r of msg.requests ?? []) this.ingest(r);
  }

  private ingest(r: LiveRequest): void {
    this.window.add(r);
    this.recent.push(r);
    if (this.recent.length > RECENT_KEPT) this.recent.splice(0, this.recent.length - RECENT_KEPT);
  }

  /** Sends this instance's news to its peers: at once when there are requests, at least every second for stream counts. */
  private publish(): void {
    if (!this.redis.length) return;
    if (this.redis[0].status !== 'ready') {
      // Redis is away: peers miss this instance's requests (its own dashboards still see them);
      // nothing piles up in the client's offline queue meanwhile.
      this.outbox = [];
      return;
    }
    const now = Date.now();
    if (this.outbox.length === 0 && now - this.lastPublish < 1000) return;
    const { streams, streamsByUser } = this.options.active.counts();
    const msg: PeerMessage = { instance: this.options.instanceId, requests: this.outbox, streams, streamsByUser };
    this.outbox = [];
    this.lastPublish = now;
    this.nsp.serverSideEmit(PEER_EVENT, msg);
  }

  private emitTick(): void {
    const now = Date.now();
    const t = now - (now % 1000);
    const { total, byUser, requests } = this.window.take();
    const local = this.options.active.counts(now);
    let streams = local.streams;
    const streamsByUser: Record<string, number> = { ...local.streamsByUser };
    for (const [id, p] of this.peers) {
      if (now - p.at > PEER_TTL_MS) {
        this.peers.delete(id);
        continue;
      }
      streams += p.streams;
      for (const [u, n] of Object.entries(p.streamsByUser)) streamsByUser[u] = (streamsByUser[u] ?? 0) + n;
    }
    const instances = 1 + this.peers.size;

    // Only rooms with sockets on this instance are served here (the adapter's rooms are local).
    const rooms = this.nsp.adapter.rooms;
    if (rooms.has(ALL_ROOM)) {
      this.nsp.local.to(ALL_ROOM).emit('stats', total.stats(t, streams, instances));
      if (requests.length) this.nsp.local.to(ALL_ROOM).emit('requests', requests.slice(-REQUESTS_PER_TICK));
    }
    for (const room of rooms.keys()) {
      if (!room.startsWith('user:')) continue;
      const userId = room.slice('user:'.length);
      this.nsp.local.to(room).emit('stats', (byUser.get(userId) ?? new Counts()).stats(t, streamsByUser[userId] ?? 0, instances));
      const mine = requests.filter((r) => r.userId === userId);
      if (mine.length) this.nsp.local.to(room).emit('requests', mine.slice(-REQUESTS_PER_TICK));
    }
  }

  private visible(list: LiveRequest[], scope: TrafficScope): LiveRequest[] {
    return scope.kind === 'all' ? list : list.filter((r) => r.userId === scope.userId);
  }
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** socket.io's connect_error carries `message` and `data`: the OpenAI-shaped error body. */
function toConnectError(err: unknown): Error {
  const gw = GatewayError.is(err) ? err : errors.internal();
  return Object.assign(new Error(gw.message), { data: gw.toBody() });
}
