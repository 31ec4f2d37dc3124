/** Tag `audit`: the audit log of the caller's tenant. */
import { listAuditEntries } from '../services/audit/list.ts';
import type { HandlerDeps } from './deps.ts';
import { presentAuditEntry } from './presenters/audit-entry.ts';
import { presentPage } from './presenters/page.ts';
import type { TagHandlers } from './types.ts';

export function auditHandlers(_deps: HandlerDeps): TagHandlers<'audit'> {
  return {
    listAuditEntries: async ({ query }, res, ctx) => {
      const { since, until, ...rest } = query;
      const input = { ...rest, since: since ? new Date(since) : undefined, until: until ? new Date(until) : undefined };
      const page = await listAuditEntries({ ctx, input });
      return res.json(200, presentPage(page, presentAuditEntry));
    },
  };
}
