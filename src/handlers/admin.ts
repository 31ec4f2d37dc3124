/** Tag `admin`: operating the server. */
import { rateLimitReport } from '../http/rate-limit/report.ts';
import type { HandlerDeps } from './deps.ts';
import type { TagHandlers } from './types.ts';

export function adminHandlers({ config, rateLimiter }: HandlerDeps): TagHandlers<'admin'> {
  return {
    getRateLimits: ({ query }, res) => res.json(200, rateLimitReport(config.rateLimits, rateLimiter, query.top ?? 10)),
  };
}
