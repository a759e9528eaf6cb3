import { lazyImport } from '@switchyard/plugin-kit';

/**
 * The AWS SDK modules, imported on first use rather than when the plugin is loaded: every plugin
 * is imported at start, and a gateway without a Bedrock provider should not hold their ~20 MB.
 * Elsewhere only types may be imported from them; sdk-laziness.test.ts checks that.
 */
export const loadBedrockSdk = lazyImport(() => import('@aws-sdk/client-bedrock-runtime'));
export const loadHttpHandler = lazyImport(() => import('@smithy/node-http-handler'));
