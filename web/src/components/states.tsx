import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <div className="state loading" role="status">
      <span className="spinner" aria-hidden /> {what}…
    </div>
  );
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const message = error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error);
  return (
    <div className="state error" role="alert">
      <strong>Something went wrong.</strong> {message}
      {retry && (
        <button type="button" className="secondary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty">
      <strong>{title}</strong>
      {children && <div>{children}</div>}
    </div>
  );
}

/** Under a paged list (usePages): a spinner while a page loads, else a button for the next older page if there is one. */
export function MorePages({ pages, loading, more }: { pages: { next: unknown; loading: boolean; more: () => void }; loading: string; more: string }) {
  if (pages.loading) return <Loading what={loading} />;
  if (!pages.next) return null;
  return (
    <button type="button" className="secondary" onClick={pages.more}>
      {more}
    </button>
  );
}
