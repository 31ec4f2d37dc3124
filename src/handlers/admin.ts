/** Tag `admin`: operating the server. */
import { rateLimitReport } from '../http/rate-limit/report.ts';
import type { HandlerDeps } from './deps.ts';
import type { HandlerMap } from './types.ts';

export function adminHandlers({ config, rateLimiter }: HandlerDeps): Pick<HandlerMap, 'getRateLimits'> {
  return {
    getRateLimits: ({ query }, res) => res.json(200, rateLimitReport(config.rateLimits, rateLimiter, query.top ?? 10)),
  };
}
