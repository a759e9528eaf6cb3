import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { LiveRequest } from './live-request';
import type { LiveStats } from './live-window';

/** A dashboard for tests: connects to /live and keeps everything it receives. */
export interface TestDashboard {
  socket: Socket;
  hello?: { instance: string; scope: unknown };
  recent: LiveRequest[];
  requests: LiveRequest[];
  stats: LiveStats[];
  close(): void;
}

export function connectDashboard(baseUrl: string, options: Partial<ManagerOptions & SocketOptions> = {}): Promise<TestDashboard> {
  const socket = io(`${baseUrl}/live`, { transports: ['websocket'], forceNew: true, reconnection: false, ...options });
  const d: TestDashboard = { socket, recent: [], requests: [], stats: [], close: () => void socket.disconnect() };
  socket.on('hello', (h) => (d.hello = h));
  socket.on('recent', (list: LiveRequest[]) => d.recent.push(...list));
  socket.on('requests', (list: LiveRequest[]) => d.requests.push(...list));
  socket.on('stats', (s: LiveStats) => d.stats.push(s));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(d));
    socket.once('connect_error', (err) => {
      socket.disconnect();
      reject(err);
    });
  });
}

/** The connect_error a refused dashboard gets: message and the OpenAI-shaped body. */
export async function refusal(baseUrl: string, options: Partial<ManagerOptions & SocketOptions> = {}): Promise<{ message: string; data?: { error: { type: string; code: string | null } } }> {
  try {
    const d = await connectDashboard(baseUrl, options);
    d.close();
  } catch (err) {
    return err as never;
  }
  throw new Error('the dashboard was let in');
}

export async function eventually(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
