import { randomBytes } from 'node:crypto';
import net from 'node:net';

/**
 * Just enough of a DevTools-protocol client to measure another node process's memory after a
 * full garbage collection (start it with NODE_OPTIONS=--inspect=127.0.0.1:0 and pass the
 * `ws://` address it prints). RSS alone swings by tens of MB with what the collector has not
 * reclaimed yet; the heap after a forced collection is what a leak would grow.
 *
 * A minimal WebSocket client (RFC 6455: masked text frames out, unfragmented frames in), as the
 * inspector speaks it; node 20 has no WebSocket client of its own.
 */
export interface Inspector {
  /** process.memoryUsage() of the inspected process right after a full collection. */
  memoryAfterGc(): Promise<NodeJS.MemoryUsage>;
  close(): void;
}

export async function connectInspector(wsUrl: string): Promise<Inspector> {
  const url = new URL(wsUrl);
  const socket = net.connect({ host: url.hostname, port: Number(url.port) });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(`GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);

  let buf = Buffer.alloc(0);
  let upgraded = false;
  const pending = new Map<number, (message: { result?: unknown; error?: unknown }) => void>();
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    if (!upgraded) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (!/^HTTP\/1\.1 101/.test(buf.toString('latin1', 0, 12))) {
        const refusal = new Error(`inspector refused the WebSocket: ${buf.toString('latin1', 0, 80)}`);
        for (const settle of pending.values()) settle({ error: refusal.message });
        socket.destroy();
        return;
      }
      upgraded = true;
      buf = buf.subarray(end + 4);
    }
    for (;;) {
      if (buf.length < 2) return;
      let length = buf[1]! & 0x7f;
      let at = 2;
      if (length === 126) {
        if (buf.length < 4) return;
        length = buf.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        if (buf.length < 10) return;
        length = Number(buf.readBigUInt64BE(2));
        at = 10;
      }
      if (buf.length < at + length) return;
      const opcode = buf[0]! & 0x0f;
      const payload = buf.subarray(at, at + length);
      buf = buf.subarray(at + length);
      if (opcode !== 1) continue;
      const message = JSON.parse(payload.toString('utf8')) as { id?: number; result?: unknown; error?: unknown };
      if (message.id !== undefined) pending.get(message.id)?.(message);
    }
  });

  let nextId = 0;
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, (m) => {
        pending.delete(id);
        if (m.error) reject(new Error(`${method}: ${JSON.stringify(m.error)}`));
        else resolve(m.result);
      });
      socket.write(frame(JSON.stringify({ id, method, params })));
    });

  return {
    async memoryAfterGc() {
      await call('HeapProfiler.collectGarbage');
      const r = (await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true })) as { result: { value: string } };
      return JSON.parse(r.result.value) as NodeJS.MemoryUsage;
    },
    close: () => socket.destroy(),
  };
}

/** One masked text frame, as a client must send it. */
function frame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const head = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : payload.length < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (payload.length >= 126 && payload.length < 65536) {
    head[0] = 0x81;
    head[1] = 0x80 | 126;
    head.writeUInt16BE(payload.length, 2);
  } else if (payload.length >= 65536) {
    head[0] = 0x81;
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([head, mask, payload]);
}
