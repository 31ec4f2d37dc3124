/** Audit entries → contract shape. */
import type { AuditEntry } from '../../domain/audit.ts';
import type { Schema } from './schemas.ts';

export function presentAuditEntry(e: AuditEntry): Schema<'AuditEntry'> {
  return { ...e, createdAt: e.createdAt.toISOString() };
}
