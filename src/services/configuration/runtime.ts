/**
 * The in-memory state behind agent requests: compiled configuration documents and verified keys, dropped
 * per tenant when a commit (here or, through the event fan-out, on another instance) carries an event a
 * configuration or a key depends on.
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

/** Events after which a verified key may no longer be valid (revoked, rotated, re-enrolled, deleted, claimed). */
export const KEY_EVENT_TYPES: ReadonlySet<string> = new Set(['agent_updated', 'agent_deleted', 'agent_claimed', 'key_rotated']);

export interface RuntimeOptions {
  /** Longest a document or a key is kept while invalidations reach this instance. */
  maxAgeSec: number;
  /** Longest a key is trusted while they may not (see `invalidationsArrive`). */
  keyFallbackSec: number;
  /** Whether every instance's commits reach this one now: always on SQLite, while NATS is connected on Postgres. */
  invalidationsArrive: () => boolean;
}

export class ConfigurationRuntime {
  readonly documents: ConfigurationCache;
  readonly keys: AgentKeyCache;

  constructor(options: RuntimeOptions) {
    this.documents = new ConfigurationCache(options.maxAgeSec * 1000);
    this.keys = new AgentKeyCache({ maxAgeMs: options.maxAgeSec * 1000, fallbackMs: options.keyFallbackSec * 1000, invalidationsArrive: options.invalidationsArrive });
  }

  /** A commit without types (from an instance that does not send them) invalidates to be safe. */
  observe(c: CommittedEvents): void {
    const types = c.types;
    if (types === undefined || types.some((t) => CONFIGURATION_EVENT_TYPES.has(t))) this.documents.invalidateTenant(c.tenantId);
    if (types === undefined || types.some((t) => KEY_EVENT_TYPES.has(t))) this.keys.invalidateTenant(c.tenantId);
  }

  /** Commits of other instances may have been missed (the fan-out was down): nothing cached can be trusted. */
  invalidateAll(): void {
    this.documents.invalidateAll();
    this.keys.invalidateAll();
  }
}
