/** Tag `enrollment`: enrollment secrets of the caller's tenant. */
import { createEnrollSecret } from '../services/enroll-secrets/create.ts';
import { getEnrollSecret } from '../services/enroll-secrets/get.ts';
import { listEnrollSecrets } from '../services/enroll-secrets/list.ts';
import { revokeEnrollSecret } from '../services/enroll-secrets/revoke.ts';
import type { HandlerDeps } from './deps.ts';
import { presentEnrollSecret } from './presenters/enroll-secret.ts';
import { presentPage } from './presenters/page.ts';
import type { TagHandlers } from './types.ts';

export function enrollmentHandlers(_deps: HandlerDeps): TagHandlers<'enrollment'> {
  return {
    listEnrollSecrets: async ({ query }, res, ctx) => {
      const page = await listEnrollSecrets({ ctx, input: query });
      return res.json(200, presentPage(page, presentEnrollSecret));
    },
    createEnrollSecret: async ({ body }, res, ctx) => {
      const input = { name: body.name, sectionId: body.sectionId, expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined };
      const { enrollSecret, secret } = await createEnrollSecret({ ctx, input });
      return res.json(201, { enrollSecret: presentEnrollSecret(enrollSecret), secret }, { location: `/api/v1/enroll-secrets/${enrollSecret.id}` });
    },
    getEnrollSecret: async ({ params }, res, ctx) => res.json(200, presentEnrollSecret(await getEnrollSecret({ ctx, input: { id: params.secretId } }))),
    revokeEnrollSecret: async ({ params }, res, ctx) => {
      await revokeEnrollSecret({ ctx, input: { id: params.secretId } });
      return res.empty(204);
    },
  };
}
