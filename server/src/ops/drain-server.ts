import type { Server } from 'node:http';

/**
 * Stops accepting connections and lets requests in flight (streams included) finish, for at
 * most `graceMs`; then cuts whatever is still open. Keep-alive connections are closed as soon
 * as they go idle, so a client cannot hold the process open by reusing its connection.
 * Resolves with how many connections had to be cut.
 */
export async function drainServer(server: Server, graceMs: number): Promise<{ forced: boolean }> {
  if (!server.listening) return { forced: false };
  let forced = false;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
  const deadline = setTimeout(() => {
    forced = true;
    server.closeAllConnections();
  }, graceMs);
  try {
    await closed;
  } finally {
    clearInterval(idleSweep);
    clearTimeout(deadline);
  }
  return { forced };
}
