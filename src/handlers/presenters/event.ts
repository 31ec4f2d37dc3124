/** Feed events → contract shape (the JSON of a long-poll page and of each Server-Sent Event). */
import type { StoredEvent } from '../../domain/event.ts';
import type { Schema } from './schemas.ts';

export function presentEvent(e: StoredEvent): Schema<'Event'> {
  return { offset: e.offset, timestamp: e.createdAt.toISOString(), type: e.type, resourceType: e.resourceType, resourceId: e.resourceId, data: e.data };
}
