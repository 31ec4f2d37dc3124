import { addedReferences, policyReferences, type Policy, type PolicyFilter, type PolicyReference, type PolicyWriteOutcome } from '../../domain/policy.ts';
import type { PolicyRepository, PolicySubject } from '../ports/policies.ts';
import { applicableWhere, notWritable, referenceWhere, firstMissing, policyList } from '../shared/policies.ts';
import { toPage } from '../shared/paging.ts';
import { tenantRow } from '../shared/conditions.ts';
import type { WriteEffects } from '../../domain/event.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import { agents, monitoredEndpoints, policies, sections } from './schema.ts';
import { anyRow, firstRow } from './rows.ts';
import { hasTag } from './tags.ts';
import type { SqliteTx, SqliteWriter } from './transaction.ts';

export class SqlitePolicyRepository implements PolicyRepository {
  private readonly w: SqliteWriter;

  constructor(writer: SqliteWriter) {
    this.w = writer;
  }

  async create(policy: Policy, effects: WriteEffects): Promise<PolicyWriteOutcome> {
    return this.w.transaction((tx, apply): PolicyWriteOutcome => {
      const missing = firstMissing(policyReferences(policy), (ref) => referenceExists(tx, policy.tenantId, ref));
      if (missing) return { kind: 'missing-reference', reference: missing };
      tx.insert(policies).values(policy).run();
      apply(effects);
      return { kind: 'done' };
    });
  }

  async findById(tenantId: string, id: string): Promise<Policy | null> {
    return firstRow(this.w.db.select().from(policies), tenantRow(policies, tenantId, id));
  }

  async list(tenantId: string, filter: PolicyFilter, page: PageRequest): Promise<Page<Policy>> {
    const q = policyList(policies, tenantId, filter, page);
    return toPage(this.w.db.select().from(policies).where(q.where).orderBy(q.orderBy).limit(q.limit).all(), page.limit);
  }

  async update(next: Policy, expectedVersion: number, effects: WriteEffects): Promise<PolicyWriteOutcome> {
    return this.w.transaction((tx, apply): PolicyWriteOutcome => {
      const where = tenantRow(policies, next.tenantId, next.id);
      const current = tx.select({ version: policies.version, scope: policies.scope, target: policies.target, body: policies.body }).from(policies).where(where).get();
      if (!current || current.version !== expectedVersion) return notWritable(current);
      const missing = firstMissing(addedReferences(current, next), (ref) => referenceExists(tx, next.tenantId, ref));
      if (missing) return { kind: 'missing-reference', reference: missing };
      const { id: _id, tenantId: _tenant, createdAt: _created, ...changes } = next;
      tx.update(policies).set(changes).where(where).run();
      apply(effects);
      return { kind: 'done' };
    });
  }

  async delete(tenantId: string, id: string, expectedVersion: number, effects: WriteEffects): Promise<PolicyWriteOutcome> {
    return this.w.transaction((tx, apply): PolicyWriteOutcome => {
      const where = tenantRow(policies, tenantId, id);
      const current = tx.select({ version: policies.version }).from(policies).where(where).get();
      if (!current || current.version !== expectedVersion) return notWritable(current);
      tx.delete(policies).where(where).run();
      apply(effects);
      return { kind: 'done' };
    });
  }

  async listApplicable(tenantId: string, subject: PolicySubject): Promise<Policy[]> {
    return this.w.db
      .select()
      .from(policies)
      .where(applicableWhere(policies, tenantId, subject))
      .all();
  }
}

/** Whether the row a reference points to exists; runs in the write's transaction. */
function referenceExists(tx: SqliteTx, tenantId: string, ref: PolicyReference): boolean {
  if (ref.kind === 'section') return anyRow(tx.select({ id: sections.id }).from(sections), tenantRow(sections, tenantId, ref.id));
  if (ref.kind === 'agent' || ref.kind === 'tag') return anyRow(tx.select({ id: agents.id }).from(agents), referenceWhere(agents, tenantId, ref, hasTag));
  return anyRow(tx.select({ id: monitoredEndpoints.id }).from(monitoredEndpoints), referenceWhere(monitoredEndpoints, tenantId, ref, hasTag));
}
