/**
 * Wraps a dynamic `import()` so the module loads on the first call and later calls share it. A
 * failed load is not remembered: the next call tries again. Provider plugins load their vendor
 * SDK this way when they make their first client, not when the plugin is imported at start.
 */
export function lazyImport<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
    return loading;
  };
}
