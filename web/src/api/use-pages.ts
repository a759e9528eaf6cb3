import { useEffect, useState } from 'react';

/**
 * A list the server hands out page by page, newest first: the first page loads again whenever
 * `key` (the filters) changes, `more` appends the next older page, `reload` starts over.
 */
export function usePages<T, C>(fetchPage: (before: C | null, signal?: AbortSignal) => Promise<{ rows: T[]; next: C | null }>, key: string) {
  const [rows, setRows] = useState<T[]>([]);
  const [next, setNext] = useState<C | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);

  const load = async (before: C | null, signal?: AbortSignal) => {
    setLoading(true);
    setError(null);
    try {
      const page = await fetchPage(before, signal);
      setRows((r) => (before ? [...r, ...page.rows] : page.rows));
      setNext(page.next);
    } catch (err) {
      if (!signal?.aborted) setError(err);
    } finally {
      if (!signal?.aborted) setLoading(false);
    }
  };
  useEffect(() => {
    const c = new AbortController();
    void load(null, c.signal);
    return () => c.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  return { rows, next, loading, error, reload: () => void load(null), more: () => void load(next) };
}
