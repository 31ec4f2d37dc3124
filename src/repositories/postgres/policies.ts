import { and, eq, sql } from 'drizzle-orm';
import { addedReferences, policyReferences, type Policy, type PolicyFilter, type PolicyReference, type PolicyWriteOutcome } from '../../domain/policy.ts';
import type { PolicyRepository, PolicySubject } from '../ports/policies.ts';
import { applicableWhere, firstMissingAsync, policyListWhere, policyOrder } from '../shared/policies.ts';
import { toPage } from '../shared/paging.ts';
import { tenantRow } from '../shared/conditions.ts';
import type { WriteEffects } from '../../domain/event.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import { agents, monitoredEndpoints, policies, sections } from './schema.ts';
import { firstRow } from './rows.ts';
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
    return this.w.pool.run(async (db) => {
      const rows = await db
        .select()
        .from(policies)
        .where(policyListWhere(policies, tenantId, filter, page))
        .orderBy(policyOrder(policies))
        .limit(page.limit + 1);
      return toPage(rows, page.limit);
    });
  }

  update(next: Policy, expectedVersion: number, effects: WriteEffects): Promise<PolicyWriteOutcome> {
    return this.w.transaction(async (tx, apply): Promise<PolicyWriteOutcome> => {
      const where = and(eq(policies.tenantId, next.tenantId), eq(policies.id, next.id));
      const [current] = await tx.select({ version: policies.version, scope: policies.scope, target: policies.target, body: policies.body }).from(policies).where(where).for('update');
      if (!current) return { kind: 'not-found' };
      if (current.version !== expectedVersion) return { kind: 'stale', currentVersion: current.version };
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
      const where = and(eq(policies.tenantId, tenantId), eq(policies.id, id));
      const [current] = await tx.select({ version: policies.version }).from(policies).where(where).for('update');
      if (!current) return { kind: 'not-found' };
      if (current.version !== expectedVersion) return { kind: 'stale', currentVersion: current.version };
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

async function referenceExists(tx: PgTx, tenantId: string, ref: PolicyReference): Promise<boolean> {
  switch (ref.kind) {
    case 'section':
      return (
        (
          await tx
            .select({ id: sections.id })
            .from(sections)
            .where(and(eq(sections.tenantId, tenantId), eq(sections.id, ref.id)))
            .limit(1)
        ).length > 0
      );
    case 'agent':
      return (
        (
          await tx
            .select({ id: agents.id })
            .from(agents)
            .where(and(eq(agents.tenantId, tenantId), eq(agents.id, ref.id)))
            .limit(1)
        ).length > 0
      );
    case 'tag':
      return (
        (
          await tx
            .select({ id: agents.id })
            .from(agents)
            .where(and(eq(agents.tenantId, tenantId), sql`${agents.tags} @> ${JSON.stringify([ref.id])}::jsonb`))
            .limit(1)
        ).length > 0
      );
    case 'endpoint':
      return (
        (
          await tx
            .select({ id: monitoredEndpoints.id })
            .from(monitoredEndpoints)
            .where(and(eq(monitoredEndpoints.tenantId, tenantId), eq(monitoredEndpoints.id, ref.id)))
            .limit(1)
        ).length > 0
      );
    case 'endpoint-tag':
      return (
        (
          await tx
            .select({ id: monitoredEndpoints.id })
            .from(monitoredEndpoints)
            .where(and(eq(monitoredEndpoints.tenantId, tenantId), sql`${monitoredEndpoints.tags} @> ${JSON.stringify([ref.id])}::jsonb`))
            .limit(1)
        ).length > 0
      );
  }
}
