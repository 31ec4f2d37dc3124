export type ActorType = 'operator' | 'agent' | 'system';

export interface AuditEntry {
  id: string;
  tenantId: string;
  actorType: ActorType;
  actorId: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  ip: string | null;
  requestId: string | null;
  createdAt: Date;
}

export interface AuditFilter {
  action?: string;
  resourceType?: string;
  resourceId?: string;
  actorId?: string;
  since?: Date;
  until?: Date;
}
