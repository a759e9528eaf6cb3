import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The editor imports `@switchyard/core/pipeline` (shared.ts) in the browser. Follow every
 * import from there and make sure none reaches Node built-ins, isolated-vm or execute code.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const IMPORT_RE = /^\s*(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(IMPORT_RE)].map((m) => m[1]);
}

function resolveLocal(from: string, spec: string): string {
  return path.resolve(path.dirname(from), `${spec}.ts`);
}

describe('the browser entry', () => {
  it('reaches no node: modules, no isolated-vm and no execute code', () => {
    const seen = new Set<string>();
    const external = new Set<string>();
    const queue = [path.join(here, 'shared.ts')];
    while (queue.length) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) queue.push(resolveLocal(file, spec));
        else external.add(spec);
      }
    }
    // ajv and ajv-formats are plain JavaScript that runs in browsers.
    expect([...external].sort()).toEqual(['ajv-formats', 'ajv/dist/2020.js']);
    const local = [...seen].map((f) => path.relative(here, f));
    expect(local.filter((f) => /^nodes\/(?!.*\.manifest\.ts$|manifests\.ts$|schema-parts\.ts$)/.test(f))).toEqual([]);
    expect(local.some((f) => f.startsWith('sandbox/'))).toBe(false);
    expect(local).toContain('validate.ts');
    for (const f of seen) expect(readFileSync(f, 'utf8')).not.toMatch(/\bprocess\.|\bBuffer\b|require\(/);
  });
});
