import { chunkJson } from '@switchyard/core';
import { streamChatCompletion } from '../../plugins/provider-openai/src/stream';
import { StallGuard } from '../../server/src/dispatch/stall-guard';
import { startOpenAIEmulator } from '../emulators/openai';
import { chatBody } from './bench-config';

/**
 * `node --no-node-snapshot --import tsx test/bench/stream-path.ts`: the CPU one streamed answer of
 * the bench costs in-process, layer by layer, with no network: the emulator's event stream for the
 * bench's request is recorded once, then replayed from memory as one read, as the gateway receives
 * it. Rows: the openai plugin's stream reader alone (decoder, parse, normalize); plus the stall
 * guard and an observer as the dispatcher wraps it; plus serializing each chunk as the SSE writer
 * does (the upstream's own JSON text where the reader kept it, chunk-json.ts). `ROUNDS` (3), `STREAMS` per row (20,000).
 */
const rounds = Number(process.env.ROUNDS ?? 3);
const streams = Number(process.env.STREAMS ?? 20_000);

const emulator = await startOpenAIEmulator({ recordRequests: false });
const recorded = await fetch(`${emulator.openaiUrl}/chat/completions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
  body: JSON.stringify(chatBody(true)),
});
const body = Buffer.from(await recorded.arrayBuffer());
await emulator.close();

// What stream.ts reads of the SDK: `create(...).asResponse()`, then the response's content type and body.
const headers = { get: (name: string) => (name === 'content-type' ? 'text/event-stream' : null) };
const client = {
  chat: { completions: { create: () => ({ asResponse: async () => ({ headers, body: oneRead() }) }) } },
} as unknown as Parameters<typeof streamChatCompletion>[0];
async function* oneRead() {
  yield body;
}
const request = { model: 'gpt-4o-mini', messages: [], stream: true };
const errors = { provider: 'openai', secrets: [] };

async function reader(signal: AbortSignal): Promise<number> {
  let chunks = 0;
  for await (const _chunk of streamChatCompletion(client, request, signal, errors)) chunks++;
  return chunks;
}

/** The reader, each step waited for under a StallGuard, each chunk's text observed. */
async function guarded(signal: AbortSignal, serialize: boolean): Promise<number> {
  const guard = new StallGuard(signal, 120_000, 'openai');
  const upstream = streamChatCompletion(client, request, guard.signal, errors);
  let text = '';
  let frames = '';
  for (;;) {
    const step = await guard.wait(upstream.next());
    if (step.done) break;
    for (const choice of step.value.choices) if (choice.delta.content) text += choice.delta.content;
    if (serialize) frames += `data: ${chunkJson(step.value) ?? JSON.stringify(step.value)}\n\n`;
  }
  guard.close();
  return text.length + frames.length;
}

const rows: Array<[string, (signal: AbortSignal) => Promise<number>]> = [
  ['stream reader', reader],
  ['+ stall guard, observer', (signal) => guarded(signal, false)],
  ['+ serializing', (signal) => guarded(signal, true)],
];
console.log(`one bench stream: ${body.length} bytes, ${await reader(new AbortController().signal)} chunks`);
for (let round = 1; round <= rounds; round++) {
  for (const [name, run] of rows) {
    for (let i = 0; i < streams / 10; i++) await run(new AbortController().signal);
    const before = process.cpuUsage();
    for (let i = 0; i < streams; i++) await run(new AbortController().signal);
    const used = process.cpuUsage(before);
    console.log(`round ${round}  ${name.padEnd(24)} ${((used.user + used.system) / streams).toFixed(1)} us per stream`);
  }
}
