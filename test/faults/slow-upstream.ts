import net from 'node:net';

/**
 * How the upstream misbehaves, chosen by the `model` of each request (the gateway sends the
 * route's upstream model):
 * - `hang`: reads the request, never answers;
 * - `stall`: SSE headers and one chunk, then nothing;
 * - `drip`: headers, then one byte every 200 ms that never completes a chunk (SSE comments for a
 *   stream, blanks of a JSON body that never ends otherwise);
 * - `trickle`: a chunk every 300 ms, six in all, then the finish and [DONE]: slow but alive;
 * - `endless`: a chunk every 200 ms for ever.
 */
export type UpstreamMode = 'hang' | 'stall' | 'drip' | 'trickle' | 'endless';

export interface SlowUpstream {
  baseUrl: string;
  /** Connections open right now, idle ones included. */
  readonly open: number;
  /** Open connections that carry a request (one per connection: none is answered in a reusable way). */
  readonly busy: number;
  /** Complete requests read so far. */
  readonly received: number;
  close(): Promise<void>;
}

const SSE_HEADERS = 'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n';

function chunk(n: number, finish = false): string {
  const delta = finish ? {} : { content: `c${n} ` };
  const body = { id: 'chatcmpl-slow', object: 'chat.completion.chunk', created: 1, model: 'slow', choices: [{ index: 0, delta, finish_reason: finish ? 'stop' : null }] };
  return `data: ${JSON.stringify(body)}\n\n`;
}

/** A raw HTTP/1.1 server that reads each request whole, then misbehaves as its model asks. */
export async function startSlowUpstream(): Promise<SlowUpstream> {
  const sockets = new Set<net.Socket>();
  const busy = new Set<net.Socket>();
  let received = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const timers: NodeJS.Timeout[] = [];
    socket.on('close', () => {
      sockets.delete(socket);
      busy.delete(socket);
      for (const t of timers) clearInterval(t);
    });
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    const onData = (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffered.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      socket.off('data', onData);
      received++;
      busy.add(socket);
      const body = JSON.parse(buffered.subarray(end + 4, end + 4 + length).toString('utf8')) as { model: string; stream?: boolean };
      misbehave(socket, body.model as UpstreamMode, body.stream === true, timers);
    };
    socket.on('data', onData);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get open() {
      return sockets.size;
    },
    get busy() {
      return busy.size;
    },
    get received() {
      return received;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function misbehave(socket: net.Socket, mode: UpstreamMode, stream: boolean, timers: NodeJS.Timeout[]): void {
  const every = (ms: number, fn: () => void) => timers.push(setInterval(fn, ms));
  switch (mode) {
    case 'hang':
      return;
    case 'stall':
      socket.write(SSE_HEADERS + chunk(0));
      return;
    case 'drip':
      if (stream) {
        socket.write(SSE_HEADERS);
        every(200, () => socket.write(':'));
      } else {
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{');
        every(200, () => socket.write(' '));
      }
      return;
    case 'trickle': {
      socket.write(SSE_HEADERS + chunk(0));
      let n = 1;
      every(300, () => {
        if (n < 6) return void socket.write(chunk(n++));
        socket.end(chunk(n, true) + 'data: [DONE]\n\n');
      });
      return;
    }
    case 'endless': {
      socket.write(SSE_HEADERS + chunk(0));
      let n = 1;
      every(200, () => socket.write(chunk(n++)));
      return;
    }
  }
}
