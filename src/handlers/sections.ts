/** Tag `sections`: sections of the caller's tenant, with optimistic concurrency (ETag / If-Match / version). */
import { etagOf } from '../services/concurrency.ts';
import { createSection } from '../services/sections/create.ts';
import { deleteSection } from '../services/sections/delete.ts';
import { getSection } from '../services/sections/get.ts';
import { listSections } from '../services/sections/list.ts';
import { updateSection } from '../services/sections/update.ts';
import type { HandlerDeps } from './deps.ts';
import { presentPage } from './presenters/page.ts';
import { presentSection } from './presenters/section.ts';
import type { TagHandlers } from './types.ts';

export function sectionHandlers(_deps: HandlerDeps): TagHandlers<'sections'> {
  return {
    listSections: async ({ query }, res, ctx) => {
      const page = await listSections({ ctx, input: query });
      return res.json(200, presentPage(page, presentSection));
    },
    createSection: async ({ body }, res, ctx) => {
      const section = await createSection({ ctx, input: { name: body.name, description: body.description } });
      return res.json(201, presentSection(section), { location: `/api/v1/sections/${section.id}`, etag: etagOf(section.version) });
    },
    getSection: async ({ params }, res, ctx) => {
      const section = await getSection({ ctx, input: { id: params.sectionId } });
      return res.json(200, presentSection(section), { etag: etagOf(section.version) });
    },
    updateSection: async ({ params, headers, body }, res, ctx) => {
      const input = { id: params.sectionId, name: body.name, description: body.description, version: body.version, ifMatch: headers['if-match'] };
      const section = await updateSection({ ctx, input });
      return res.json(200, presentSection(section), { etag: etagOf(section.version) });
    },
    deleteSection: async ({ params, headers }, res, ctx) => {
      await deleteSection({ ctx, input: { id: params.sectionId, ifMatch: headers['if-match'] } });
      return res.empty(204);
    },
  };
}
