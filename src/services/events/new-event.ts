/** Builds an event for the feed; it is written by the repository in the same transaction as its change. */
import type { EventType, NewEvent } from '../../domain/event.ts';
import type { ServiceContext } from '../context.ts';

export function newEvent(ctx: ServiceContext, e: { tenantId: string; type: EventType; resourceType: string; resourceId: string | null; data?: Record<string, unknown> }): NewEvent {
  return { tenantId: e.tenantId, type: e.type, resourceType: e.resourceType, resourceId: e.resourceId, data: e.data ?? {}, createdAt: ctx.now() };
}
