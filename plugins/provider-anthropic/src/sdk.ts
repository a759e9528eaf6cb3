import { lazyImport } from '@switchyard/plugin-kit';
import type * as AnthropicSdk from '@anthropic-ai/sdk';

/**
 * The Anthropic SDK, imported when the first client is made rather than when the plugin is
 * loaded: every plugin is imported at start, and a gateway without an Anthropic provider should
 * not hold the SDK's ~20 MB. Only types may be imported from '@anthropic-ai/sdk' elsewhere
 * (errors.ts uses the small '@anthropic-ai/sdk/core/error'); sdk-laziness.test.ts checks that.
 */
export const loadAnthropicSdk = lazyImport((): Promise<typeof AnthropicSdk> => import('@anthropic-ai/sdk'));
