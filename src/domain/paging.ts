/** Keyset pages: what a list asks for and what it gets back (the cursor wire format is in cursor.ts). */

export interface Page<T> {
  items: T[];
  /** Id of the last item when more may follow. */
  lastId: string | null;
}

export interface PageRequest {
  limit: number;
  /** Continue after this id (exclusive). */
  afterId?: string;
}
