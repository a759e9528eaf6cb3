/**
 * The AWS SDK modules, imported on first use rather than when the plugin is loaded: every plugin
 * is imported at start, and a gateway without a Bedrock provider should not hold their ~20 MB.
 * Elsewhere only types may be imported from them; sdk-laziness.test.ts checks that.
 */
export const loadBedrockSdk = memoizedImport(() => import('@aws-sdk/client-bedrock-runtime'));
export const loadHttpHandler = memoizedImport(() => import('@smithy/node-http-handler'));

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
