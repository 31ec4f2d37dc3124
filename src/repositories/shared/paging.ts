import type { Page } from '../types.ts';

/** Repositories fetch limit+1 rows; this trims the extra row and says where the next page starts. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  if (rows.length <= limit) return { items: rows, lastId: null };
  const items = rows.slice(0, limit);
  return { items, lastId: items[items.length - 1]!.id };
}
