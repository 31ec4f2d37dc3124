/** A repository page → the contract's `{items, nextCursor}` with each item presented. */
import { encodeCursor } from '../../domain/cursor.ts';
import type { Page } from '../../domain/paging.ts';

export function presentPage<T, R>(page: Page<T>, present: (item: T) => R): { items: R[]; nextCursor: string | null } {
  return { items: page.items.map(present), nextCursor: encodeCursor(page.lastId) };
}
