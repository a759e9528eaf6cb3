import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestGateway, type TestGateway } from '../../../test/support/gateway';
import { openDatabase } from '../db/connect';

describe('usage recording on a gateway', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // A timer that never fires during the test: only close() can write the events.
    vi.stubEnv('SWITCHYARD_USAGE_FLUSH_MS', '60000');
    gw = await startTestGateway();
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    rmSync(gw.dataDir, { recursive: true, force: true });
  });

  it('writes the queued events when the gateway closes', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { ...gw.auth, 'content-type': 'application/json', 'x-request-id': `close_${i}` },
        body: JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(200);
    }
    expect(gw.observability.usage.recorder.status()).toMatchObject({ depth: 3, written: 0 });
    await gw.close();

    const db = await openDatabase({ dataDir: gw.dataDir });
    try {
      const rows = await db('usage_events').select('request_id').orderBy('request_id');
      expect(rows.map((r) => r.request_id)).toEqual(['close_0', 'close_1', 'close_2']);
    } finally {
      await db.destroy();
    }
  });
});
