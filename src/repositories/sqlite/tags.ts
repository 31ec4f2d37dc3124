import { type Column, type SQL, sql } from 'drizzle-orm';

/** Tags are a JSON array in a text column: the row carries the tag when one element of the array equals it. */
export const hasTag = (tags: Column, tag: string): SQL => sql`exists (select 1 from json_each(${tags}) where json_each.value = ${tag})`;
