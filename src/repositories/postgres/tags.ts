import { type Column, type SQL, sql } from 'drizzle-orm';

/** Tags are a jsonb array: the row carries the tag when the array contains it (`@>`). */
export const hasTag = (tags: Column, tag: string): SQL => sql`${tags} @> ${JSON.stringify([tag])}::jsonb`;
