/**
 * Builds the server into JavaScript (src/main.ts → dist/server/agentry.js and its chunks) when it is missing or
 * older than its sources: `./scripts/start`, the container image, the test setup and the bench call it, so
 * the build output never needs committing. `--force` always builds.
 *
 * Why a build, when Node runs the TypeScript sources directly: loading ~600 modules through Node's type
 * stripper and ES module linker costs the server about 55 MiB of RSS for as long as it runs (the stripper's
 * WebAssembly instance, per-module records, and a heap grown by start-up garbage), measured 224–231 MiB idle
 * from the sources against 154 MiB from this build (docs/performance.md, Memory). Names are kept for stack traces.
 *
 * Left out of the file, loaded from node_modules at run time:
 * - better-sqlite3: a native addon;
 * - pino and its transports: they start worker threads from their own files.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { isStale } from './build-freshness.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist/server');
export const serverBuild = join(outdir, 'agentry.js');
/** What the build reads besides node_modules: a change to any of them makes the build stale. */
const inputs = ['src', 'generated', 'package-lock.json', 'patches', 'scripts/build-server.ts'];
const external = ['better-sqlite3', 'pino', 'pino-pretty', 'thread-stream'];

export const serverIsStale = (): boolean => isStale(root, 'dist/server/agentry.js', inputs);

export async function buildServer(force = false): Promise<boolean> {
  if (!force && !serverIsStale()) return false;
  const { outputFiles } = await build({
    entryPoints: { agentry: join(root, 'src/main.ts') },
    outdir,
    // The CLI imports the server, the agent and the simulator on demand: each becomes a chunk of its own, so
    // the server never loads the agent's inventory collectors (systeminformation, 0.7 MB).
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    // Without comments and indentation the code is smaller and all Latin-1, which V8 keeps at one byte per
    // character (any other character makes it keep the whole file at two). Names are kept for stack traces.
    minifyWhitespace: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external,
    // Bundled CommonJS packages call require(): give the ES module one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
    write: false,
  });
  // Each file is written under a temporary name and renamed, the entry last: a server starting meanwhile
  // loads the previous build or this one, never half of a file. Chunks are named by content hash, so a
  // running server's chunks stay in place.
  for (const file of outputFiles.sort((a, b) => Number(a.path === serverBuild) - Number(b.path === serverBuild))) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(`${file.path}.tmp`, file.contents);
    renameSync(`${file.path}.tmp`, file.path);
  }
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const built = await buildServer(process.argv.includes('--force'));
  process.stderr.write(built ? 'agentry: server built into dist/server/agentry.js\n' : 'agentry: server build is up to date\n');
}
