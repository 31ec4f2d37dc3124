import { uuidv7 } from 'uuidv7';

/** UUIDv7: time-ordered, so ids double as a stable sort key for cursors. */
export const newId = (): string => uuidv7();
