/** Opaque pagination cursors: base64url of the last id seen. Decoding validates the shape so bad cursors are a 400, not a query. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(lastId: string | null): string | null {
  return lastId === null ? null : Buffer.from(`v1:${lastId}`).toString('base64url');
}

/** Returns the id, or null when the cursor is not one we issued. */
export function decodeCursor(cursor: string): string | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('v1:')) return null;
  const id = text.slice(3);
  return UUID.test(id) ? id : null;
}
