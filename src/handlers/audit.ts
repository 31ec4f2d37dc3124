/** Tag `audit`: the audit log of the caller's tenant. */
import { listAuditEntries } from '../services/audit/list.ts';
import type { HandlerDeps } from './deps.ts';
import { presentAuditEntry, presentPage } from './presenters.ts';
import type { HandlerMap } from './types.ts';

export function auditHandlers({ repos }: HandlerDeps): Pick<HandlerMap, 'listAuditEntries'> {
  return {
    listAuditEntries: async ({ query }, res, ctx) => {
      const { since, until, ...rest } = query;
      const input = { ...rest, since: since ? new Date(since) : undefined, until: until ? new Date(until) : undefined };
      const page = await listAuditEntries({ ctx, input });
      return res.json(200, presentPage(page, presentAuditEntry));
    },
  };
}
