/*
 * `@switchyard/plugin-kit/vitest`: the test settings a plugin package needs to run its own tests
 * (`npm test` inside the plugin folder), the same as the Switchyard checkout uses:
 *
 *   // vitest.config.ts
 *   import { pluginTestConfig } from '@switchyard/plugin-kit/vitest';
 *   export default pluginTestConfig();
 *
 * Plain JavaScript on purpose: vitest loads its config file with Node's own loader, which does
 * not read TypeScript from linked packages.
 */
import { defineConfig } from 'vitest/config';

/** @param {{ include?: string[]; testTimeout?: number }} [overrides] */
export function pluginTestConfig(overrides = {}) {
  return defineConfig({
    test: {
      include: overrides.include ?? ['src/**/*.test.ts', 'test/**/*.test.ts'],
      exclude: ['**/node_modules/**'],
      // isolated-vm (script nodes) needs --no-node-snapshot in every process that creates an isolate.
      pool: 'forks',
      execArgv: ['--no-node-snapshot'],
      testTimeout: overrides.testTimeout ?? 20_000,
      hookTimeout: 30_000,
    },
  });
}
