/** Tag `endpoints`: monitored endpoints of the caller's tenant, with optimistic concurrency (ETag / If-Match / version). */
import { etagOf } from '../services/concurrency.ts';
import { createEndpoint } from '../services/endpoints/create.ts';
import { deleteEndpoint } from '../services/endpoints/delete.ts';
import { getEndpoint } from '../services/endpoints/get.ts';
import { linkEndpoint } from '../services/endpoints/link.ts';
import { listEndpoints } from '../services/endpoints/list.ts';
import { updateEndpoint } from '../services/endpoints/update.ts';
import { getEndpointStatus } from '../services/results/read.ts';
import { presentEndpoint } from './presenters/endpoint.ts';
import { presentEndpointState } from './presenters/endpoint-state.ts';
import type { HandlerDeps } from './deps.ts';
import { presentPage } from './presenters/page.ts';
import type { TagHandlers } from './types.ts';

export function endpointHandlers(_deps: HandlerDeps): TagHandlers<'endpoints'> {
  return {
    listEndpoints: async ({ query }, res, ctx) => res.json(200, presentPage(await listEndpoints({ ctx, input: query }), presentEndpoint)),
    createEndpoint: async ({ body }, res, ctx) => {
      const endpoint = await createEndpoint({ ctx, input: body });
      return res.json(201, presentEndpoint(endpoint), { location: `/api/v1/endpoints/${endpoint.id}`, etag: etagOf(endpoint.version) });
    },
    getEndpoint: async ({ params }, res, ctx) => {
      const endpoint = await getEndpoint({ ctx, input: { id: params.endpointId } });
      return res.json(200, presentEndpoint(endpoint), { etag: etagOf(endpoint.version) });
    },
    updateEndpoint: async ({ params, body, headers }, res, ctx) => {
      const endpoint = await updateEndpoint({ ctx, input: { ...body, id: params.endpointId, ifMatch: headers['if-match'] } });
      return res.json(200, presentEndpoint(endpoint), { etag: etagOf(endpoint.version) });
    },
    deleteEndpoint: async ({ params, headers }, res, ctx) => {
      await deleteEndpoint({ ctx, input: { id: params.endpointId, ifMatch: headers['if-match'] } });
      return res.empty(204);
    },
    linkEndpoint: async ({ params, body }, res, ctx) => {
      const endpoint = await linkEndpoint({ ctx, input: { id: params.endpointId, targetId: body.targetId, version: body.version } });
      return res.json(200, presentEndpoint(endpoint), { etag: etagOf(endpoint.version) });
    },
    getEndpointStatus: async ({ params }, res, ctx) => {
      const states = await getEndpointStatus({ ctx, input: { endpointId: params.endpointId } });
      return res.json(200, { endpointId: params.endpointId, agents: states.map(presentEndpointState) });
    },
  };
}
