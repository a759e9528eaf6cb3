import { lazyImport } from '@switchyard/plugin-kit';
import type * as GenAiSdk from '@google/genai';

/**
 * Google's Gen AI SDK, imported when the first client is made rather than when the plugin is
 * loaded: every plugin is imported at start, and a gateway without a Gemini provider should not
 * hold the SDK's ~25 MB. Elsewhere only types may be imported from '@google/genai';
 * sdk-laziness.test.ts checks that.
 */
export const loadGenAiSdk = lazyImport((): Promise<typeof GenAiSdk> => import('@google/genai'));
