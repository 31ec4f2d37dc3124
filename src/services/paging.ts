import { decodeCursor } from '../domain/cursor.ts';
import type { Page, PageRequest } from '../domain/paging.ts';
import { ValidationError } from './errors.ts';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

export interface ListInput {
  limit?: number;
  cursor?: string;
}

export type ListResult<T> = Page<T>;

/** The API's `limit` as a page size: the default when absent, within 1 and MAX_LIMIT. */
export function pageSize(limit: number | undefined): number {
  return Math.min(Math.max(limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT);
}

/** Turns the API's `limit`/`cursor` into a repository page request; a cursor we did not issue is a 400. */
export function pageRequest({ limit, cursor }: ListInput): PageRequest {
  const size = pageSize(limit);
  if (cursor === undefined) return { limit: size };
  const afterId = decodeCursor(cursor);
  if (!afterId) throw new ValidationError('cursor is not valid', [{ path: 'query/cursor', message: 'not a cursor issued by this server' }]);
  return { limit: size, afterId };
}
