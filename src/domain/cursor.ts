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

/**
 * Cursors of a sorted list carry the sort they were issued under, the last row's sort value and its id.
 * Times travel as epoch milliseconds.
 */
export function encodeSortedCursor(sort: string, value: string | Date | null, id: string): string {
  const wire = value instanceof Date ? { t: value.getTime() } : value;
  return Buffer.from(`s1:${JSON.stringify([sort, wire, id])}`).toString('base64url');
}

/** The sort value and id, or null when the cursor is not one we issued under this `sort`. */
export function decodeSortedCursor(cursor: string, sort: string): { value: string | Date | null; id: string } | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('s1:')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(3));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return null;
  const [was, wire, id]: unknown[] = parsed;
  if (was !== sort || typeof id !== 'string' || !UUID.test(id)) return null;
  const value = sortValue(wire);
  return value === undefined ? null : { value, id };
}

function sortValue(wire: unknown): string | Date | null | undefined {
  if (wire === null || typeof wire === 'string') return wire;
  if (typeof wire === 'object' && 't' in wire && typeof wire.t === 'number' && Number.isFinite(wire.t)) return new Date(wire.t);
  return undefined;
}
