import { lazyImport } from '@switchyard/plugin-kit';
import type * as OpenAISdk from 'openai';
import type { pooledFetch } from './pooled-fetch';

/**
 * The OpenAI SDK and the undici-based fetch it is given, imported when the first client is made
 * rather than when the plugin is loaded: every plugin is imported at start, and a gateway without
 * an OpenAI-speaking provider should not hold their ~30 MB. Elsewhere only types may be imported
 * from 'openai' (errors.ts uses the small 'openai/core/error'); sdk-laziness.test.ts checks that.
 */
export const loadOpenAISdk = lazyImport((): Promise<typeof OpenAISdk> => import('openai'));
export const loadPooledFetch = lazyImport(async (): Promise<typeof pooledFetch> => (await import('./pooled-fetch')).pooledFetch);
