/**
 * The project's root directory (the one holding package.json): the spec, the migrations and the console's
 * built files are found from it. Found by walking up from this module, so the same code works from the
 * TypeScript sources and from the single-file server build (dist/server/agentry.js, see docs/performance.md, Memory).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const projectRoot: string = findRoot(import.meta.dirname);

/** A path inside the project. */
export const projectPath = (...parts: string[]): string => join(projectRoot, ...parts);
