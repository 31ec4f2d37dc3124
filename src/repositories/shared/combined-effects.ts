/**
 * The effects of writes to many rows in one transaction, applied together: every event in one application
 * (one update of each tenant's event counter and one insert), each audit entry with its own. A group of
 * heartbeats bringing a hundred agents back online then writes its hundred `agent_online` events in two
 * statements instead of two hundred.
 */
import type { NewEvent, WriteEffects } from '../../domain/event.ts';

export function combinedEffects(list: readonly WriteEffects[]): WriteEffects[] {
  const out: WriteEffects[] = [];
  const events: NewEvent[] = [];
  for (const e of list) {
    if (e.audit) out.push({ audit: e.audit });
    if (e.events) events.push(...e.events);
  }
  if (events.length > 0) out.push({ events });
  return out;
}
