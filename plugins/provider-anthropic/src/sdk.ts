import type * as AnthropicSdk from '@anthropic-ai/sdk';

let loading: Promise<typeof AnthropicSdk> | undefined;

/**
 * The Anthropic SDK, imported when the first client is made rather than when the plugin is
 * loaded: every plugin is imported at start, and a gateway without an Anthropic provider should
 * not hold the SDK's ~20 MB. Only types may be imported from '@anthropic-ai/sdk' elsewhere
 * (errors.ts uses the small '@anthropic-ai/sdk/core/error'); sdk-laziness.test.ts checks that.
 */
export function loadAnthropicSdk(): Promise<typeof AnthropicSdk> {
  loading ??= import('@anthropic-ai/sdk').catch((err: unknown) => {
    loading = undefined; // let a later call try again rather than remember the failure forever
    throw err;
  });
  return loading;
}
