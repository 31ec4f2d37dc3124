/** Tag `policies`: policies of the caller's tenant (optimistic concurrency) and previews of their effect. */
import type { Policy } from '../domain/policy.ts';
import { requestHeader } from '../http/headers.ts';
import { etagOf } from '../services/concurrency.ts';
import { matchesEtag } from '../services/configuration/document.ts';
import { previewPolicy } from '../services/configuration/preview.ts';
import { createPolicy } from '../services/policies/create.ts';
import { deletePolicy } from '../services/policies/delete.ts';
import { getPolicy } from '../services/policies/get.ts';
import { listPolicies } from '../services/policies/list.ts';
import { updatePolicy } from '../services/policies/update.ts';
import { serviceContext } from './context.ts';
import type { HandlerDeps } from './deps.ts';
import { presentPage } from './presenters.ts';
import type { HandlerMap } from './types.ts';

export function presentPolicy(p: Policy) {
  return { ...p, createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString() };
}

export function policyHandlers({ repos }: HandlerDeps): Pick<HandlerMap, 'listPolicies' | 'createPolicy' | 'getPolicy' | 'updatePolicy' | 'deletePolicy' | 'previewPolicy'> {
  return {
    listPolicies: async (c, { query }, res) => {
      const page = await listPolicies({ ctx: serviceContext(c, repos), input: query });
      return res.json(200, presentPage(page, presentPolicy));
    },
    createPolicy: async (c, { body }, res) => {
      const policy = await createPolicy({ ctx: serviceContext(c, repos), input: body });
      return res.json(201, presentPolicy(policy), { location: `/api/v1/policies/${policy.id}`, etag: etagOf(policy.version) });
    },
    getPolicy: async (c, { params }, res) => {
      const policy = await getPolicy({ ctx: serviceContext(c, repos), input: { id: params.policyId } });
      const etag = etagOf(policy.version);
      if (matchesEtag(requestHeader(c, 'if-none-match'), etag)) return res.empty(304, { etag });
      return res.json(200, presentPolicy(policy), { etag });
    },
    updatePolicy: async (c, { params, body }, res) => {
      const policy = await updatePolicy({ ctx: serviceContext(c, repos), input: { ...body, id: params.policyId, ifMatch: c.req.header('if-match') } });
      return res.json(200, presentPolicy(policy), { etag: etagOf(policy.version) });
    },
    deletePolicy: async (c, { params }, res) => {
      await deletePolicy({ ctx: serviceContext(c, repos), input: { id: params.policyId, ifMatch: c.req.header('if-match') } });
      return res.empty(204);
    },
    previewPolicy: async (c, { body }, res) => {
      return res.json(200, await previewPolicy({ ctx: serviceContext(c, repos), input: body }));
    },
  };
}
