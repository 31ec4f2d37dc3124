/**
 * The live event feed (Server-Sent Events, same-origin cookie). Every event invalidates the queries of its
 * resource type, so open views refresh themselves; subscribers also get the events (overview, events page).
 */
import { useEffect, useState } from 'react';
import type { Schemas } from './client';
import { queryClient } from './query-client';

export type FleetEvent = Schemas['Event'];
type Listener = (e: FleetEvent) => void;

const listeners = new Set<Listener>();
let source: EventSource | null = null;
/** The stream starts at the tenant's first retained event; what happened before the page opened it is history, not news. */
let openedAt = 0;
const REPLAY_SLACK_MS = 5000;

const KEYS_BY_RESOURCE: Record<string, string[]> = {
  agent: ['agents', 'agent', 'overview'],
  command: ['commands', 'command'],
  policy: ['policies', 'effective'],
  endpoint: ['endpoints'],
  section: ['sections'],
};

function onMessage(msg: MessageEvent<string>): void {
  let event: FleetEvent;
  try {
    event = JSON.parse(msg.data) as FleetEvent; // the stream's data is an Event document (contract)
  } catch {
    return;
  }
  if (Date.parse(event.timestamp) < openedAt - REPLAY_SLACK_MS) return;
  for (const key of KEYS_BY_RESOURCE[event.resourceType] ?? []) void queryClient.invalidateQueries({ queryKey: [key] });
  for (const l of listeners) l(event);
}

/** Opens the stream once for the whole page (after sign-in), from now on. */
export function startEventStream(): void {
  if (source) return;
  openedAt = Date.now();
  source = new EventSource('/api/v1/events/stream', { withCredentials: true });
  source.onmessage = onMessage;
  // Typed events (`event: <type>`) do not reach onmessage: listen to every type the server emits.
  for (const type of EVENT_TYPES) source.addEventListener(type, onMessage);
}

export function stopEventStream(): void {
  source?.close();
  source = null;
}

/** The newest events seen live, newest first (at most `max`). */
export function useLiveEvents(max = 50): FleetEvent[] {
  const [events, setEvents] = useState<FleetEvent[]>([]);
  useEffect(() => {
    const l: Listener = (e) => setEvents((prev) => [e, ...prev].slice(0, max));
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, [max]);
  return events;
}

/** The event types the server emits (the contract leaves `type` open; these are the ones it names in its docs and code). */
const EVENT_TYPES = [
  'agent_registered',
  'agent_claimed',
  'agent_updated',
  'agent_deleted',
  'agent_online',
  'agent_offline',
  'key_rotated',
  'inventory_changed',
  'command_created',
  'command_cancelled',
  'command_execution_updated',
  'policy_changed',
  'endpoint_created',
  'endpoint_updated',
  'endpoint_deleted',
  'endpoint_reachable',
  'endpoint_unreachable',
  'section_created',
  'section_updated',
  'section_deleted',
  'enroll_secret_created',
  'enroll_secret_revoked',
  'token_created',
  'token_revoked',
  'tenant_created',
];
