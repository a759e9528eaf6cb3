import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The recorded Bedrock traffic in ../shared/fixtures/bedrock (beside the repository, see the
 * fixtures' SOURCES.md): `*.chunks.txt` are decoded ConverseStream events, one `{name: payload}`
 * object a line; `*.json` are Converse response bodies.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const BEDROCK_FIXTURE_DIR = path.resolve(repoRoot, '../shared/fixtures/bedrock');

export function listBedrockFixtures(): { streams: string[]; bodies: string[] } {
  const files = readdirSync(BEDROCK_FIXTURE_DIR).sort();
  return { streams: files.filter((f) => f.endsWith('.chunks.txt')), bodies: files.filter((f) => f.endsWith('.json')) };
}

export function readStreamFixture(file: string): Record<string, unknown>[] {
  return readFileSync(path.join(BEDROCK_FIXTURE_DIR, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export function readJsonFixture(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(BEDROCK_FIXTURE_DIR, file), 'utf8')) as Record<string, unknown>;
}
