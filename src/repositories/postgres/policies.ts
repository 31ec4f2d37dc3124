import { addedReferences, policyReferences, type Policy, type PolicyFilter, type PolicyReference, type PolicyWriteOutcome } from '../../domain/policy.ts';
import type { PolicyRepository, PolicySubject } from '../ports/policies.ts';
import { applicableWhere, notWritable, referenceWhere, firstMissingAsync, policyList } from '../shared/policies.ts';
import { toPage } from '../shared/paging.ts';
import { tenantRow } from '../shared/conditions.ts';
import type { WriteEffects } from '../../domain/event.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import { agents, monitoredEndpoints, policies, sections } from './schema.ts';
import { anyRow, firstRow } from './rows.ts';
import { hasTag } from './tags.ts';
import type { PgTx, PgWriter } from './transaction.ts';

export class PgPolicyRepository implements PolicyRepository {
  private readonly w: PgWriter;

  constructor(writer: PgWriter) {
    this.w = writer;
  }

  create(policy: Policy, effects: WriteEffects): Promise<PolicyWriteOutcome> {
    return this.w.transaction(async (tx, apply): Promise<PolicyWriteOutcome> => {
      const missing = await firstMissingAsync(policyReferences(policy), (ref) => referenceExists(tx, policy.tenantId, ref));
      if (missing) return { kind: 'missing-reference', reference: missing };
      await tx.insert(policies).values(policy);
      await apply(effects);
      return { kind: 'done' };
    });
  }

  findById(tenantId: string, id: string): Promise<Policy | null> {
    return this.w.pool.run((db) => firstRow(db.select().from(policies), tenantRow(policies, tenantId, id)));
  }

  list(tenantId: string, filter: PolicyFilter, page: PageRequest): Promise<Page<Policy>> {
    const q = policyList(policies, tenantId, filter, page);
    return this.w.pool.run(async (db) => toPage(await db.select().from(policies).where(q.where).orderBy(q.orderBy).limit(q.limit), page.limit));
  }

  update(next: Policy, expectedVersion: number, effects: WriteEffects): Promise<PolicyWriteOutcome> {
    return this.w.transaction(async (tx, apply): Promise<PolicyWriteOutcome> => {
      const where = tenantRow(policies, next.tenantId, next.id);
      const [current] = await tx.select({ version: policies.version, scope: policies.scope, target: policies.target, body: policies.body }).from(policies).where(where).for('update');
      if (!current || current.version !== expectedVersion) return notWritable(current);
      const missing = await firstMissingAsync(addedReferences(current, next), (ref) => referenceExists(tx, next.tenantId, ref));
      if (missing) return { kind: 'missing-reference', reference: missing };
      const { id: _id, tenantId: _tenant, createdAt: _created, ...changes } = next;
      await tx.update(policies).set(changes).where(where);
      await apply(effects);
      return { kind: 'done' };
    });
  }

  delete(tenantId: string, id: string, expectedVersion: number, effects: WriteEffects): Promise<PolicyWriteOutcome> {
    return this.w.transaction(async (tx, apply): Promise<PolicyWriteOutcome> => {
      const where = tenantRow(policies, tenantId, id);
      const [current] = await tx.select({ version: policies.version }).from(policies).where(where).for('update');
      if (!current || current.version !== expectedVersion) return notWritable(current);
      await tx.delete(policies).where(where);
      await apply(effects);
      return { kind: 'done' };
    });
  }

  listApplicable(tenantId: string, subject: PolicySubject): Promise<Policy[]> {
    return this.w.pool.run((db) =>
      db
        .select()
        .from(policies)
        .where(applicableWhere(policies, tenantId, subject)),
    );
  }
}

/** Whether the row a reference points to exists; runs in the write's transaction. */
async function referenceExists(tx: PgTx, tenantId: string, ref: PolicyReference): Promise<boolean> {
  if (ref.kind === 'section') return anyRow(tx.select({ id: sections.id }).from(sections), tenantRow(sections, tenantId, ref.id));
  if (ref.kind === 'agent' || ref.kind === 'tag') return anyRow(tx.select({ id: agents.id }).from(agents), referenceWhere(agents, tenantId, ref, hasTag));
  return anyRow(tx.select({ id: monitoredEndpoints.id }).from(monitoredEndpoints), referenceWhere(monitoredEndpoints, tenantId, ref, hasTag));
}
