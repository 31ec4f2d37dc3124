/** Repository port for policies. Implementations: sqlite/policies.ts, postgres/policies.ts. */
import type { Policy, PolicyFilter, PolicyWriteOutcome } from '../../domain/policy.ts';
import type { WriteEffects } from '../../domain/event.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';

/** What decides which policies apply to an agent. */
export interface PolicySubject {
  agentId: string;
  sectionId: string | null;
  tags: readonly string[];
}

export interface PolicyRepository {
  /**
   * Inserts the policy when everything it references (policyReferences) exists in its tenant, in the same
   * transaction; otherwise nothing is stored and the outcome names the first missing reference.
   */
  create(policy: Policy, effects: WriteEffects): Promise<PolicyWriteOutcome>;
  findById(tenantId: string, id: string): Promise<Policy | null>;
  /** Oldest first (by id). */
  list(tenantId: string, filter: PolicyFilter, page: PageRequest): Promise<Page<Policy>>;
  /** Replaces the policy with `next` when it is still at `expectedVersion` and the references it adds exist. */
  update(next: Policy, expectedVersion: number, effects: WriteEffects): Promise<PolicyWriteOutcome>;
  delete(tenantId: string, id: string, expectedVersion: number, effects: WriteEffects): Promise<PolicyWriteOutcome>;
  /** The enabled policies of the tenant that apply to the subject, in no particular order. */
  listApplicable(tenantId: string, subject: PolicySubject): Promise<Policy[]>;
}
