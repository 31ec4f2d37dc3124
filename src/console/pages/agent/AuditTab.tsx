import type { Agent } from '../agents/columns';
import { AuditTable } from '../events/AuditTable';

export function AuditTab({ agent }: { agent: Agent }) {
  return <AuditTable filters={{ resourceId: agent.id }} />;
}
