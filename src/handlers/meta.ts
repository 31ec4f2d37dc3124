/** Tag `meta`: API information and who the caller is. */
import type { HandlerDeps } from './deps.ts';
import type { TagHandlers } from './types.ts';

export function metaHandlers(deps: HandlerDeps): TagHandlers<'meta'> {
  const apiVersion = (deps.contract.document.info as { version: string }).version;
  return {
    getApiInfo: (_input, res, ctx) => {
      const p = ctx.principal;
      if (p?.type === 'agent') throw new Error('unreachable: getApiInfo accepts operator tokens only');
      return res.json(200, {
        name: 'agentry',
        apiVersion,
        serverVersion: deps.serverVersion,
        specUrl: '/openapi.json',
        docsUrl: '/docs',
        principal: p ? { type: p.type, id: p.tokenId, tenantId: p.tenantId, role: p.role, name: p.name } : null,
      });
    },
  };
}
