/** The conditions every tenant-owned row is found by. */
import { and, eq, type Column, type SQL } from 'drizzle-orm';

/** One row of a tenant: the id alone never suffices, so another tenant's row is simply not found. */
export function tenantRow(t: { tenantId: Column; id: Column }, tenantId: string, id: string): SQL {
  return and(eq(t.tenantId, tenantId), eq(t.id, id))!;
}
