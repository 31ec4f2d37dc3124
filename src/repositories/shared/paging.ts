/**
 * Keyset paging shared by both dialects: a list asks for limit+1 rows after (or before) the cursor's id;
 * `toPage` trims the extra row and says where the next page starts.
 */
import { and, asc, desc, gt, lt, type Column, type SQL } from 'drizzle-orm';
import type { Page, PageRequest } from '../../domain/paging.ts';

/** The parts of a keyset-paged list query: its condition (filters and cursor), its order and its row limit. */
export interface ListQuery {
  where: SQL | undefined;
  orderBy: SQL;
  limit: number;
}

/** Oldest first on a time-ordered key: rows after the cursor's id, ascending, that also match `filter`. */
export function ascendingPage(key: Column, page: PageRequest, filter?: SQL): ListQuery {
  return { where: and(filter, page.afterId ? gt(key, page.afterId) : undefined), orderBy: asc(key), limit: page.limit + 1 };
}

/** Newest first on a time-ordered key: rows before the cursor's id, descending, that also match `filter`. */
export function descendingPage(key: Column, page: PageRequest, filter?: SQL): ListQuery {
  return { where: and(filter, page.afterId ? lt(key, page.afterId) : undefined), orderBy: desc(key), limit: page.limit + 1 };
}

export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  return toPageBy(rows, limit, (row) => row.id);
}

/** Like toPage, for rows whose cursor is another key than `id`. */
export function toPageBy<T>(rows: T[], limit: number, key: (row: T) => string): Page<T> {
  if (rows.length <= limit) return { items: rows, lastId: null };
  const items = rows.slice(0, limit);
  return { items, lastId: key(items[items.length - 1]!) };
}
