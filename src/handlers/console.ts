/**
 * Tag `console`: the web console's built files (dist/console, made by `npm run build:console`). The page
 * carries a strict Content-Security-Policy and is never cached; assets are named by content hash and cached
 * for a year. Files are read once and kept in memory (the whole build is a few hundred kilobytes).
 */
import { readFileSync } from 'node:fs';
import { problem } from '../http/problem.ts';
import type { HandlerDeps } from './deps.ts';
import type { TagHandlers } from './types.ts';
import { projectPath } from '../project-root.ts';

export const CONSOLE_DIST = `${projectPath('dist', 'console')}/`;

/** Scripts, styles and connections from this server only; no inline script, no framing. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  woff2: 'font/woff2',
};

const SECURITY_HEADERS = { 'content-security-policy': CONSOLE_CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

export function consoleHandlers(_deps: HandlerDeps, dist = CONSOLE_DIST): TagHandlers<'console'> {
  const files = new Map<string, Buffer | null>();
  const read = (name: string): Buffer | null => {
    if (!files.has(name)) {
      try {
        files.set(name, readFileSync(dist + name));
      } catch {
        return null; // not built yet, or no such asset: looked up again next time
      }
    }
    return files.get(name) ?? null;
  };
  return {
    getConsoleRedirect: (_input, _res, _ctx, c) => c.redirect('/console', 302),
    getConsole: (_input, _res, _ctx, c) => {
      const page = read('index.html');
      if (page === null) return problem(c, 503, 'the console is not built; run `npm run build:console` (./scripts/start does)');
      return c.body(new Uint8Array(page), 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', ...SECURITY_HEADERS });
    },
    getConsoleAsset: ({ params }, _res, _ctx, c) => {
      const body = read(`assets/${params.file}`);
      if (body === null) return problem(c, 404, `no console asset ${params.file}`);
      const ext = params.file.slice(params.file.lastIndexOf('.') + 1);
      const type = TYPES[ext] ?? 'application/octet-stream';
      return c.body(new Uint8Array(body), 200, { 'content-type': type, 'cache-control': 'public, max-age=31536000, immutable', ...SECURITY_HEADERS });
    },
  };
}
