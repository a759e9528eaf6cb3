import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { journalsWritten, writeAtTurnEnd } from '../../journal/journal-turn';
import { sendJson } from './v1-call';

/** The parts of a response sendJson touches, recording what it sent. */
function response() {
  const res = {
    statusCode: 0,
    headersSent: false,
    destroyed: false,
    headers: {} as Record<string, string | number>,
    body: undefined as string | undefined,
    setHeader(name: string, value: string | number) {
      res.headers[name.toLowerCase()] = value;
    },
    end(text: string) {
      res.body = text;
      res.headersSent = true;
    },
  };
  return res;
}

describe('sendJson', () => {
  it('answers at once, headers and body together, when nothing waits to be journaled', () => {
    const res = response();
    sendJson(res as unknown as ServerResponse, 201, { ok: 'é' });
    expect(res.statusCode).toBe(201);
    expect(res.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', 'content-length': 11 });
    expect(res.body).toBe('{"ok":"é"}');
  });

  it('answers only after the journal records of the turn are written', async () => {
    const res = response();
    let bodyWhenJournaled: string | undefined = 'not journaled';
    writeAtTurnEnd({ turnRank: 0, writeBuffered: () => (bodyWhenJournaled = res.body) });
    sendJson(res as unknown as ServerResponse, 200, { id: 'chatcmpl-1' });
    expect(res.body).toBeUndefined();
    await journalsWritten();
    await Promise.resolve();
    expect(bodyWhenJournaled).toBeUndefined(); // the journal went first
    expect(res.body).toBe('{"id":"chatcmpl-1"}');
  });

  it('drops a waiting answer that was overtaken (the client left)', async () => {
    const res = response();
    writeAtTurnEnd({ turnRank: 0, writeBuffered: () => undefined });
    sendJson(res as unknown as ServerResponse, 200, { id: 'late' });
    res.destroyed = true;
    await journalsWritten();
    await Promise.resolve();
    expect(res.body).toBeUndefined();
  });
});
