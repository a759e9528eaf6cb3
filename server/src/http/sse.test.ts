import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { journalsWritten, writeAtTurnEnd } from '../journal/journal-turn';
import { SseWriter } from './sse';

/** A response that records its writes; `full` makes write() report a full socket buffer. */
class RecordingResponse extends EventEmitter {
  writes: string[] = [];
  ended: string | undefined;
  destroyed = false;
  writableEnded = false;
  full = false;
  headers: Record<string, string> = {};
  writeHead(_status: number, headers: Record<string, string>) {
    this.headers = headers;
    return this;
  }
  write(text: string): boolean {
    this.writes.push(text);
    return !this.full;
  }
  end(text = ''): void {
    this.ended = text;
    this.writableEnded = true;
  }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const writer = () => {
  const res = new RecordingResponse();
  return { res, sse: new SseWriter(res as unknown as ServerResponse) };
};

/** A writer whose first frame filled the socket's buffer: the client is not keeping up. */
async function behindClient() {
  const { res, sse } = writer();
  res.full = true;
  sse.send({ n: 1 });
  await nextTurn();
  return { res, sse };
}

describe('SseWriter', () => {
  it('joins the frames sent in one turn into one write, in order', async () => {
    const { res, sse } = writer();
    sse.open();
    expect(sse.send({ n: 1 })).toBeUndefined();
    sse.send('[DONE]');
    sse.send({ type: 'ping' }, 'ping');
    expect(res.writes).toEqual([]);
    await nextTurn();
    expect(res.writes).toEqual(['data: {"n":1}\n\ndata: [DONE]\n\nevent: ping\ndata: {"type":"ping"}\n\n']);
    expect(res.headers['Content-Type']).toBe('text/event-stream; charset=utf-8');
  });

  it('writes once per turn when frames arrive over several turns', async () => {
    const { res, sse } = writer();
    sse.send({ n: 1 });
    await nextTurn();
    sse.send({ n: 2 });
    await nextTurn();
    expect(res.writes).toEqual(['data: {"n":1}\n\n', 'data: {"n":2}\n\n']);
  });

  it('ends the response with the frames this turn still holds', async () => {
    const { res, sse } = writer();
    sse.send({ n: 1 });
    sse.end();
    await nextTurn();
    expect(res.writes).toEqual([]);
    expect(res.ended).toBe('data: {"n":1}\n\n');
    expect(sse.send({ n: 2 })).toBeUndefined();
  });

  it('makes senders wait while the client is not keeping up, until the socket drains', async () => {
    const { res, sse } = await behindClient();
    const wait = sse.send({ n: 2 });
    expect(wait).toBeInstanceOf(Promise);
    let drained = false;
    void wait!.then(() => (drained = true));
    await nextTurn();
    expect(drained).toBe(false);
    res.full = false;
    res.emit('drain');
    await wait;
    expect(drained).toBe(true);
    expect(sse.send({ n: 3 })).toBeUndefined();
  });

  it('stops waiting when the client goes away', async () => {
    const { res, sse } = await behindClient();
    const wait = sse.send({ n: 2 })!;
    res.destroyed = true;
    res.emit('close');
    await wait;
    expect(sse.closed).toBe(true);
    expect(sse.send({ n: 3 })).toBeUndefined();
  });

  it('delivers a whole stream over a real connection', async () => {
    const server = http.createServer((_req, res) => {
      const sse = new SseWriter(res);
      sse.open({ 'x-request-id': 'r1' });
      for (let n = 0; n < 3; n++) sse.send({ n });
      setImmediate(() => {
        sse.send('[DONE]');
        sse.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(res.headers.get('x-request-id')).toBe('r1');
      expect(await res.text()).toBe('data: {"n":0}\n\ndata: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('SseWriter and the journal', () => {
  it('sends nothing, the end included, before the journal records of the turn are written', async () => {
    const { res, sse } = writer();
    sse.open();
    const seenByJournal: Array<{ writes: number; ended: string | undefined }> = [];
    writeAtTurnEnd({ turnRank: 0, writeBuffered: () => seenByJournal.push({ writes: res.writes.length, ended: res.ended }) });
    sse.send({ n: 1 });
    sse.send('[DONE]');
    sse.end();
    expect(res.ended).toBeUndefined();
    await journalsWritten();
    await nextTurn();
    expect(seenByJournal).toEqual([{ writes: 0, ended: undefined }]);
    expect(res.ended).toBe('data: {"n":1}\n\ndata: [DONE]\n\n');
  });

  it('writes at once when nothing is waiting to be journaled', async () => {
    const { res, sse } = writer();
    sse.open();
    sse.send({ n: 2 });
    sse.end();
    expect(res.ended).toBe('data: {"n":2}\n\n');
  });
});
