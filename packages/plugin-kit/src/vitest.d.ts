import type { UserConfig } from 'vitest/config';

export declare function pluginTestConfig(overrides?: { include?: string[]; testTimeout?: number }): UserConfig;
