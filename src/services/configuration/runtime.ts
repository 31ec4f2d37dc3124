/**
 * The in-memory state behind the agent's configuration read: compiled documents and verified keys, both
 * dropped per tenant when a commit (here or, through the event fan-out, on another instance) carries an
 * event a configuration or a key depends on.
 */
import type { CommittedEvents } from '../../domain/event.ts';
import { AgentKeyCache } from '../auth/agent-key-cache.ts';
import { ConfigurationCache } from './cache.ts';

/** Events after which a tenant's compiled configurations (and cached keys) may be wrong. */
export const CONFIGURATION_EVENT_TYPES: ReadonlySet<string> = new Set([
  'policy_changed',
  'agent_updated',
  'agent_deleted',
  'agent_claimed',
  'key_rotated',
  'section_updated',
  'section_deleted',
  'endpoint_created',
  'endpoint_updated',
  'endpoint_deleted',
]);

export class ConfigurationRuntime {
  readonly documents: ConfigurationCache;
  readonly keys: AgentKeyCache;

  constructor(maxAgeSec: number) {
    this.documents = new ConfigurationCache(maxAgeSec * 1000);
    this.keys = new AgentKeyCache(maxAgeSec * 1000);
  }

  /** A commit without types (from an instance that does not send them) invalidates to be safe. */
  observe(c: CommittedEvents): void {
    if (c.types !== undefined && !c.types.some((t) => CONFIGURATION_EVENT_TYPES.has(t))) return;
    this.documents.invalidateTenant(c.tenantId);
    this.keys.invalidateTenant(c.tenantId);
  }
}
