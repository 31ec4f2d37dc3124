/** Tag `sessions`: signing in to and out of the console, and revoking its sessions. */
import { problem } from '../http/problem.ts';
import { crossOriginReason, sessionSetCookie } from '../http/same-origin.ts';
import { createSession } from '../services/sessions/create.ts';
import { getCurrentSession } from '../services/sessions/current.ts';
import { listSessions } from '../services/sessions/list.ts';
import { endCurrentSession, revokeSession } from '../services/sessions/revoke.ts';
import type { HandlerDeps } from './deps.ts';
import { presentPage } from './presenters/page.ts';
import { presentCurrentSession, presentSession } from './presenters/session.ts';
import type { TagHandlers } from './types.ts';

export function sessionHandlers({ authenticator, config }: HandlerDeps): TagHandlers<'sessions'> {
  return {
    listSessions: async ({ query }, res, ctx) => res.json(200, presentPage(await listSessions({ ctx, input: query }), presentSession)),
    createSession: async ({ body }, res, ctx, c) => {
      // Another site must not sign a browser in under a token of its choosing (login CSRF).
      const refused = crossOriginReason(c);
      if (refused !== null) return problem(c, 403, refused);
      const { session, principal, secret } = await createSession({ ctx, input: body, authenticator, ttlSeconds: config.auth.sessionTtlSeconds });
      const maxAge = (session.expiresAt.getTime() - ctx.now().getTime()) / 1000;
      return res.json(201, presentCurrentSession(session, principal), { 'set-cookie': sessionSetCookie(c, secret, maxAge) });
    },
    getCurrentSession: async (_input, res, ctx) => {
      const { session, principal } = await getCurrentSession({ ctx });
      return res.json(200, presentCurrentSession(session, principal));
    },
    deleteCurrentSession: async (_input, res, ctx, c) => {
      await endCurrentSession({ ctx });
      return res.empty(204, { 'set-cookie': sessionSetCookie(c, '', 0) });
    },
    revokeSession: async ({ params }, res, ctx) => {
      await revokeSession({ ctx, input: { id: params.sessionId } });
      return res.empty(204);
    },
  };
}
