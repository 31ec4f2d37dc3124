/** Loading, empty and error states shared by every view. Errors show the problem details and the request id. */
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function ErrorView({ error }: { error: unknown }) {
  if (!(error instanceof ApiError))
    return (
      <div className="error" role="alert">
        {String(error)}
      </div>
    );
  const p = error.problem;
  return (
    <div className="error" role="alert">
      <strong>
        {p.title ?? 'Error'} ({error.status})
      </strong>
      <p>{p.detail}</p>
      {p.errors && p.errors.length > 0 && (
        <ul>
          {p.errors.map((e) => (
            <li key={`${e.path}${e.message}`}>
              <code>{e.path}</code> {e.message}
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">
        {p.type} · request id <code>{error.requestId ?? 'none'}</code>
      </p>
    </div>
  );
}

/** Renders the state of a query: its error, a loading line, or the children with its data. */
export function QueryState<T>({ query, children, what }: { query: { data?: T; error: unknown; isPending: boolean }; children: (data: T) => ReactNode; what?: string }) {
  if (query.error) return <ErrorView error={query.error} />;
  if (query.isPending || query.data === undefined) return <Loading what={what} />;
  return <>{children(query.data)}</>;
}
