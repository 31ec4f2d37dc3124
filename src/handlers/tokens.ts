/** Tag `tokens`: operator tokens of the caller's tenant. */
import { createToken } from '../services/tokens/create.ts';
import { getToken } from '../services/tokens/get.ts';
import { introspectToken } from '../services/tokens/introspect.ts';
import { listTokens } from '../services/tokens/list.ts';
import { revokeToken } from '../services/tokens/revoke.ts';
import type { HandlerDeps } from './deps.ts';
import { presentPage } from './presenters/page.ts';
import { presentToken } from './presenters/token.ts';
import type { TagHandlers } from './types.ts';

export function tokenHandlers({ authenticator }: HandlerDeps): TagHandlers<'tokens'> {
  return {
    listTokens: async ({ query }, res, ctx) => {
      const page = await listTokens({ ctx, input: query });
      return res.json(200, presentPage(page, presentToken));
    },
    createToken: async ({ body }, res, ctx) => {
      const input = { name: body.name, role: body.role, expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined };
      const { token, secret } = await createToken({ ctx, input });
      return res.json(201, { token: presentToken(token), secret }, { location: `/api/v1/tokens/${token.id}` });
    },
    getToken: async ({ params }, res, ctx) => res.json(200, presentToken(await getToken({ ctx, input: { id: params.tokenId } }))),
    introspectToken: async ({ body }, res, ctx) => {
      const result = await introspectToken({ ctx, input: { secret: body.token }, authenticator });
      return res.json(200, result.token ? { active: true, token: presentToken(result.token) } : { active: false });
    },
    revokeToken: async ({ params }, res, ctx) => {
      await revokeToken({ ctx, input: { id: params.tokenId }, authenticator });
      return res.empty(204);
    },
  };
}
