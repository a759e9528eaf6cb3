/**
 * The recorded Anthropic traffic in <shared>/fixtures/anthropic, as the emulator replays it:
 * `*.sse` are exact stream bytes, `*.chunks.txt` one `data:` payload per line (the `event:`
 * line is rebuilt from each payload's `type`), `*.json` a non-streamed response body.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sharedPath } from '../http-util';
import { frame } from './wire';

export type AnthropicFixtureKind = 'sse' | 'chunks' | 'json';

export interface AnthropicFixture {
  /** File name without its extension(s), e.g. `anthropic-text` or `sdk-basic_response`. */
  name: string;
  file: string;
  kind: AnthropicFixtureKind;
  text: string;
}

export function anthropicFixturesDir(): string {
  return sharedPath('fixtures', 'anthropic');
}

function kindOf(file: string): AnthropicFixtureKind | undefined {
  if (file.endsWith('.sse')) return 'sse';
  if (file.endsWith('.chunks.txt')) return 'chunks';
  if (file.endsWith('.json')) return 'json';
  return undefined;
}

export function loadAnthropicFixtures(dir = anthropicFixturesDir()): AnthropicFixture[] {
  return fs
    .readdirSync(dir)
    .sort()
    .flatMap((file) => {
      const kind = kindOf(file);
      if (!kind) return [];
      const name = file.replace(/\.(sse|chunks\.txt|json)$/, '');
      return [{ name, file: path.join(dir, file), kind, text: fs.readFileSync(path.join(dir, file), 'utf8') }];
    });
}

/** The `data:` payloads of a chunks file, verbatim, one per non-empty line. */
export function chunkLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** A chunks file as Anthropic SSE: each payload under an `event:` line named by its `type`. */
export function chunksToSse(text: string): string {
  return chunkLines(text)
    .map((line) => frame(String((JSON.parse(line) as { type?: unknown }).type), line))
    .join('');
}

/** Splits SSE text into its events (`event` name and `data` text), as a client would read them. */
export function parseSse(text: string): { event: string | null; data: string }[] {
  const out: { event: string | null; data: string }[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    if (block.trim() === '') continue;
    let event: string | null = null;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    out.push({ event, data: data.join('\n') });
  }
  return out;
}
