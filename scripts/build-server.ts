/**
 * Builds the server into one JavaScript file (src/main.ts → dist/server/agentry.js) when it is missing or
 * older than its sources: `./scripts/start`, the container image, the test setup and the bench call it, so
 * the build output never needs committing. `--force` always builds.
 *
 * Why a build, when Node runs the TypeScript sources directly: loading ~600 modules through Node's type
 * stripper and ES module linker costs the server about 55 MiB of RSS for as long as it runs (the stripper's
 * WebAssembly instance, per-module records, and a heap grown by start-up garbage), measured 224–231 MiB idle
 * from the sources against 168–171 MiB from this file (README, Memory). The build only concatenates modules;
 * it is not minified, so stack traces keep their names.
 *
 * Left out of the file, loaded from node_modules at run time:
 * - better-sqlite3: a native addon;
 * - pino and its transports: they start worker threads from their own files.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const serverBuild = join(root, 'dist/server/agentry.js');
/** What the build reads besides node_modules: a change to any of them makes the build stale. */
const inputs = ['src', 'generated', 'package-lock.json', 'patches', 'scripts/build-server.ts'];
const external = ['better-sqlite3', 'pino', 'pino-pretty', 'thread-stream'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

export function serverIsStale(): boolean {
  if (!existsSync(serverBuild)) return true;
  const built = statSync(serverBuild).mtimeMs;
  return inputs.some((p) => newestMtime(join(root, p)) > built);
}

export async function buildServer(force = false): Promise<boolean> {
  if (!force && !serverIsStale()) return false;
  await build({
    entryPoints: [join(root, 'src/main.ts')],
    outfile: serverBuild,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external,
    // Bundled CommonJS packages call require(): give the ES module one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const built = await buildServer(process.argv.includes('--force'));
  process.stderr.write(built ? 'agentry: server built into dist/server/agentry.js\n' : 'agentry: server build is up to date\n');
}
