import { pluginTestConfig } from '@switchyard/plugin-kit/vitest';

export default pluginTestConfig();
