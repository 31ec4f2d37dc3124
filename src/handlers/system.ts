/** Tag `system`: probes, metrics and the published contract. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Scalar } from '@scalar/hono-api-reference';
import { READINESS_TIMEOUT_MS, runChecks } from '../observability/readiness.ts';
import { problem } from '../http/problem.ts';
import type { HandlerDeps } from './deps.ts';
import type { TagHandlers } from './types.ts';

const DOCS_SCRIPT_PATH = '/docs/assets/api-reference.js';

/** The renderer's self-contained browser build, shipped in the npm package (not among its exports). */
function docsScriptFile(): string {
  const entry = fileURLToPath(import.meta.resolve('@scalar/api-reference'));
  return join(dirname(entry), 'browser', 'standalone.js');
}

export function systemHandlers(deps: HandlerDeps): TagHandlers<'system'> {
  const docsPage = Scalar({ url: '/openapi.json', cdn: DOCS_SCRIPT_PATH, pageTitle: 'agentry API reference', withDefaultFonts: false, telemetry: false });
  let docsScript: string | undefined;
  return {
    getHealth: (_input, res) => res.json(200, { status: 'ok' }),
    getLiveness: (_input, res) => res.json(200, { status: 'ok' }),
    getReadiness: async (_input, res, _ctx, c) => {
      const result = await runChecks(deps.readinessChecks, READINESS_TIMEOUT_MS);
      // runChecks is keyed by the configured checks (database always, nats when configured): ReadinessChecks' shape.
      if (result.ok) return res.json(200, { status: 'ok', checks: result.checks as never });
      const failing = Object.entries(result.checks)
        .filter(([, r]) => r.status === 'failing')
        .map(([name, r]) => `${name}: ${r.error}`);
      return problem(c, 503, `not ready: ${failing.join('; ')}`, { checks: result.checks }, { 'retry-after': '5' });
    },
    getMetrics: async (_input, _res, _ctx, c) => c.text(await deps.metrics.registry.metrics(), 200, { 'content-type': deps.metrics.registry.contentType }),
    getOpenApiJson: (_input, _res, _ctx, c) => c.body(deps.contract.json, 200, { 'content-type': 'application/json' }),
    getOpenApiYaml: (_input, _res, _ctx, c) => c.body(deps.contract.yaml, 200, { 'content-type': 'application/yaml' }),
    // Scalar's middleware is typed for Hono's default Env; ours only adds variables it never reads.
    getDocs: (_input, _res, _ctx, c) => docsPage(c as never, async () => {}) as Promise<Response>,
    getDocsAsset: (_input, _res, _ctx, c) => {
      docsScript ??= readFileSync(docsScriptFile(), 'utf8');
      return c.body(docsScript, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400' });
    },
  };
}
