import type * as OpenAISdk from 'openai';
import type { pooledFetch } from './pooled-fetch';

/**
 * The OpenAI SDK and the undici-based fetch it is given, imported when the first client is made
 * rather than when the plugin is loaded: every plugin is imported at start, and a gateway without
 * an OpenAI-speaking provider should not hold their ~30 MB. Elsewhere only types may be imported
 * from 'openai' (errors.ts uses the small 'openai/core/error'); sdk-laziness.test.ts checks that.
 */
export const loadOpenAISdk = memoizedImport((): Promise<typeof OpenAISdk> => import('openai'));
export const loadPooledFetch = memoizedImport(async (): Promise<typeof pooledFetch> => (await import('./pooled-fetch')).pooledFetch);

function memoizedImport<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((err: unknown) => {
      loading = undefined; // let a later call try again rather than remember the failure forever
      throw err;
    });
    return loading;
  };
}
