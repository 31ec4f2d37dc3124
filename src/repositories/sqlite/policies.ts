import { and, eq, sql } from 'drizzle-orm';
import { addedReferences, policyReferences, type Policy, type PolicyFilter, type PolicyReference, type PolicyWriteOutcome } from '../../domain/policy.ts';
import type { PolicyRepository, PolicySubject } from '../ports/policies.ts';
import { applicableWhere, firstMissing, policyListWhere, policyOrder } from '../shared/policies.ts';
import { toPage } from '../shared/paging.ts';
import { tenantRow } from '../shared/conditions.ts';
import type { WriteEffects } from '../../domain/event.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';
import { agents, monitoredEndpoints, policies, sections } from './schema.ts';
import { firstRow } from './rows.ts';
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
    const rows = this.w.db
      .select()
      .from(policies)
      .where(policyListWhere(policies, tenantId, filter, page))
      .orderBy(policyOrder(policies))
      .limit(page.limit + 1)
      .all();
    return toPage(rows, page.limit);
  }

  async update(next: Policy, expectedVersion: number, effects: WriteEffects): Promise<PolicyWriteOutcome> {
    return this.w.transaction((tx, apply): PolicyWriteOutcome => {
      const where = and(eq(policies.tenantId, next.tenantId), eq(policies.id, next.id));
      const current = tx.select({ version: policies.version, scope: policies.scope, target: policies.target, body: policies.body }).from(policies).where(where).get();
      if (!current) return { kind: 'not-found' };
      if (current.version !== expectedVersion) return { kind: 'stale', currentVersion: current.version };
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
      const where = and(eq(policies.tenantId, tenantId), eq(policies.id, id));
      const current = tx.select({ version: policies.version }).from(policies).where(where).get();
      if (!current) return { kind: 'not-found' };
      if (current.version !== expectedVersion) return { kind: 'stale', currentVersion: current.version };
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

function referenceExists(tx: SqliteTx, tenantId: string, ref: PolicyReference): boolean {
  switch (ref.kind) {
    case 'section':
      return (
        tx
          .select({ id: sections.id })
          .from(sections)
          .where(and(eq(sections.tenantId, tenantId), eq(sections.id, ref.id)))
          .get() !== undefined
      );
    case 'agent':
      return (
        tx
          .select({ id: agents.id })
          .from(agents)
          .where(and(eq(agents.tenantId, tenantId), eq(agents.id, ref.id)))
          .get() !== undefined
      );
    case 'tag':
      return (
        tx
          .select({ id: agents.id })
          .from(agents)
          .where(and(eq(agents.tenantId, tenantId), sql`exists (select 1 from json_each(${agents.tags}) where json_each.value = ${ref.id})`))
          .limit(1)
          .get() !== undefined
      );
    case 'endpoint':
      return (
        tx
          .select({ id: monitoredEndpoints.id })
          .from(monitoredEndpoints)
          .where(and(eq(monitoredEndpoints.tenantId, tenantId), eq(monitoredEndpoints.id, ref.id)))
          .get() !== undefined
      );
    case 'endpoint-tag':
      return (
        tx
          .select({ id: monitoredEndpoints.id })
          .from(monitoredEndpoints)
          .where(and(eq(monitoredEndpoints.tenantId, tenantId), sql`exists (select 1 from json_each(${monitoredEndpoints.tags}) where json_each.value = ${ref.id})`))
          .limit(1)
          .get() !== undefined
      );
  }
}
