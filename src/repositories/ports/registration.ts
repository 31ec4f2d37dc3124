import type { AgentRecord } from '../../domain/agent.ts';
import type { WriteEffects } from '../../domain/event.ts';
import type { AlreadyDone, Done, NotFound } from '../../domain/outcomes.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import type { NewRegistration, PendingRegistration, Registration } from '../../domain/registration.ts';

export interface RegistrationRepository {
  find(agentId: string): Promise<Registration | null>;
  /**
   * New → `done` with `created`; unclaimed → token hash and expiry replaced, `done` with `renewed`;
   * claimed, or an agent of that id exists → `already_done`.
   */
  register(reg: NewRegistration, at: Date): Promise<Done<'created' | 'renewed'> | AlreadyDone>;
  /** Counts a claim-status poll; returns the count before this poll. */
  countPoll(agentId: string): Promise<number>;
  /** Claims an unclaimed registration and creates its agent (no key yet) in one transaction. */
  claim(agentId: string, agent: AgentRecord, at: Date, effects: WriteEffects): Promise<Done | NotFound | AlreadyDone>;
  /**
   * Delivers the key exactly once: marks the registration delivered and sets the agent's key hash, only if
   * claimed and not delivered yet; `already_done` when another poll got there first (or it is not claimed).
   */
  deliverKey(agentId: string, keyHash: string, keyPrefix: string, at: Date): Promise<Done | AlreadyDone>;
  listPending(now: Date, page: PageRequest): Promise<Page<PendingRegistration>>;
  /** Removes unclaimed registrations that expired before `before`. */
  pruneExpired(before: Date): Promise<number>;
  remove(agentId: string): Promise<void>;
}
