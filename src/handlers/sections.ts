/** Tag `sections`: sections of the caller's tenant, with optimistic concurrency (ETag / If-Match / version). */
import { etagOf } from '../services/concurrency.ts';
import { createSection } from '../services/sections/create.ts';
import { deleteSection } from '../services/sections/delete.ts';
import { getSection } from '../services/sections/get.ts';
import { listSections } from '../services/sections/list.ts';
import { updateSection } from '../services/sections/update.ts';
import { serviceContext } from './context.ts';
import type { HandlerDeps } from './deps.ts';
import { presentPage } from './presenters.ts';
import { presentSection } from './tenancy-presenters.ts';
import type { HandlerMap } from './types.ts';

export function sectionHandlers({ repos }: HandlerDeps): Pick<HandlerMap, 'listSections' | 'createSection' | 'getSection' | 'updateSection' | 'deleteSection'> {
  return {
    listSections: async (c, { query }, res) => {
      const page = await listSections({ ctx: serviceContext(c, repos), input: query });
      return res.json(200, presentPage(page, presentSection));
    },
    createSection: async (c, { body }, res) => {
      const section = await createSection({ ctx: serviceContext(c, repos), input: { name: body.name, description: body.description } });
      return res.json(201, presentSection(section), { location: `/api/v1/sections/${section.id}`, etag: etagOf(section.version) });
    },
    getSection: async (c, { params }, res) => {
      const section = await getSection({ ctx: serviceContext(c, repos), input: { id: params.sectionId } });
      return res.json(200, presentSection(section), { etag: etagOf(section.version) });
    },
    updateSection: async (c, { params, body }, res) => {
      const input = { id: params.sectionId, name: body.name, description: body.description, version: body.version, ifMatch: c.req.header('if-match') };
      const section = await updateSection({ ctx: serviceContext(c, repos), input });
      return res.json(200, presentSection(section), { etag: etagOf(section.version) });
    },
    deleteSection: async (c, { params }, res) => {
      await deleteSection({ ctx: serviceContext(c, repos), input: { id: params.sectionId, ifMatch: c.req.header('if-match') } });
      return res.empty(204);
    },
  };
}
