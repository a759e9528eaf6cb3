import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';

/* The server's live feed (server/src/live): namespace /live, events hello, recent, stats, requests. */

// The wire shapes are the server's own types (type-only imports: nothing of the server is bundled).
import type { LiveRequest } from '../../../server/src/live/live-request';
import type { LiveStats } from '../../../server/src/live/live-window';
export type { LiveRequest, LiveStats };

/** One second on the dashboard: the server's stats plus latency of the requests that ended in it. */
export interface LivePoint extends LiveStats {
  latencyAvg: number | null;
  latencyMax: number | null;
}

export type LiveScope = { kind: 'all' } | { kind: 'user'; userId: string };

export interface LiveFeedState {
  status: 'connecting' | 'live' | 'reconnecting' | 'refused';
  error?: string;
  scope?: LiveScope;
  points: LivePoint[];
  requests: LiveRequest[];
}

const KEEP_POINTS = 120;
const KEEP_REQUESTS = 100;

function latencyOf(list: LiveRequest[]): { latencyAvg: number | null; latencyMax: number | null } {
  if (!list.length) return { latencyAvg: null, latencyMax: null };
  const sum = list.reduce((a, r) => a + r.latencyMs, 0);
  return { latencyAvg: sum / list.length, latencyMax: Math.max(...list.map((r) => r.latencyMs)) };
}

/**
 * Subscribes to the live feed with the session cookie (same origin). Keeps the last two minutes
 * of per-second points and the last hundred requests, newest first.
 */
export function useLiveFeed(): LiveFeedState {
  const [state, setState] = useState<LiveFeedState>({ status: 'connecting', points: [], requests: [] });
  const socketRef = useRef<Socket | null>(null);
  useEffect(() => {
    const socket = io('/live', { path: '/socket.io', withCredentials: true, transports: ['websocket', 'polling'], reconnectionDelayMax: 5000 });
    socketRef.current = socket;
    socket.on('hello', (hello: { scope: LiveScope }) => setState((s) => ({ ...s, status: 'live', error: undefined, scope: hello.scope })));
    socket.on('recent', (recent: LiveRequest[]) => setState((s) => ({ ...s, requests: mergeRequests(s.requests, recent) })));
    socket.on('stats', (stats: LiveStats) =>
      setState((s) => {
        const point: LivePoint = { ...stats, latencyAvg: null, latencyMax: null };
        const points = [...s.points.filter((p) => p.t !== stats.t), point].slice(-KEEP_POINTS);
        return { ...s, status: 'live', points };
      }),
    );
    socket.on('requests', (list: LiveRequest[]) =>
      setState((s) => {
        // The server sends a second's requests right after its stats: they belong to the last point.
        const points = s.points.slice();
        const last = points[points.length - 1];
        if (last) points[points.length - 1] = { ...last, ...latencyOf(list) };
        return { ...s, points, requests: mergeRequests(s.requests, list) };
      }),
    );
    socket.on('connect_error', (err: Error & { data?: { error?: { message?: string } } }) => {
      const message = err.data?.error?.message ?? err.message;
      // A refusal (signed out, not allowed) will not fix itself by retrying.
      const refused = Boolean(err.data?.error);
      if (refused) socket.disconnect();
      setState((s) => ({ ...s, status: refused ? 'refused' : 'reconnecting', error: message }));
    });
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') setState((s) => ({ ...s, status: 'reconnecting', error: `disconnected (${reason})` }));
    });
    return () => {
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
    };
  }, []);
  return state;
}

function mergeRequests(current: LiveRequest[], incoming: LiveRequest[]): LiveRequest[] {
  const seen = new Set(current.map((r) => r.id));
  const fresh = incoming.filter((r) => !seen.has(r.id)).reverse();
  return [...fresh, ...current].slice(0, KEEP_REQUESTS);
}
