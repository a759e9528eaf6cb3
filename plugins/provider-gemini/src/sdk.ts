import type * as GenAiSdk from '@google/genai';

let loading: Promise<typeof GenAiSdk> | undefined;

/**
 * Google's Gen AI SDK, imported when the first client is made rather than when the plugin is
 * loaded: every plugin is imported at start, and a gateway without a Gemini provider should not
 * hold the SDK's ~25 MB. Elsewhere only types may be imported from '@google/genai';
 * sdk-laziness.test.ts checks that.
 */
export function loadGenAiSdk(): Promise<typeof GenAiSdk> {
  loading ??= import('@google/genai').catch((err: unknown) => {
    loading = undefined; // let a later call try again rather than remember the failure forever
    throw err;
  });
  return loading;
}
