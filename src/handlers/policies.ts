/** Tag `policies`: policies of the caller's tenant (optimistic concurrency) and previews of their effect. */
import { etagOf } from '../services/concurrency.ts';
import { matchesEtag } from '../services/configuration/document.ts';
import { previewPolicy } from '../services/configuration/preview.ts';
import { createPolicy } from '../services/policies/create.ts';
import { deletePolicy } from '../services/policies/delete.ts';
import { getPolicy } from '../services/policies/get.ts';
import { listPolicies } from '../services/policies/list.ts';
import { updatePolicy } from '../services/policies/update.ts';
import type { HandlerDeps } from './deps.ts';
import { presentPage } from './presenters/page.ts';
import { presentPolicy } from './presenters/policy.ts';
import type { TagHandlers } from './types.ts';

export function policyHandlers(_deps: HandlerDeps): TagHandlers<'policies'> {
  return {
    listPolicies: async ({ query }, res, ctx) => {
      const page = await listPolicies({ ctx, input: query });
      return res.json(200, presentPage(page, presentPolicy));
    },
    createPolicy: async ({ body }, res, ctx) => {
      const policy = await createPolicy({ ctx, input: body });
      return res.json(201, presentPolicy(policy), { location: `/api/v1/policies/${policy.id}`, etag: etagOf(policy.version) });
    },
    getPolicy: async ({ params, headers }, res, ctx) => {
      const policy = await getPolicy({ ctx, input: { id: params.policyId } });
      const etag = etagOf(policy.version);
      if (matchesEtag(headers['if-none-match'], etag)) return res.empty(304, { etag });
      return res.json(200, presentPolicy(policy), { etag });
    },
    updatePolicy: async ({ params, body, headers }, res, ctx) => {
      const policy = await updatePolicy({ ctx, input: { ...body, id: params.policyId, ifMatch: headers['if-match'] } });
      return res.json(200, presentPolicy(policy), { etag: etagOf(policy.version) });
    },
    deletePolicy: async ({ params, headers }, res, ctx) => {
      await deletePolicy({ ctx, input: { id: params.policyId, ifMatch: headers['if-match'] } });
      return res.empty(204);
    },
    previewPolicy: async ({ body }, res, ctx) => {
      return res.json(200, await previewPolicy({ ctx, input: body }));
    },
  };
}
