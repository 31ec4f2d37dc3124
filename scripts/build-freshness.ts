/** Whether a build output is missing or older than any of its inputs (files or whole directories). */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** `output` and `inputs` are paths relative to `root`. */
export function isStale(root: string, output: string, inputs: readonly string[]): boolean {
  if (!existsSync(join(root, output))) return true;
  const built = statSync(join(root, output)).mtimeMs;
  return inputs.some((p) => newestMtime(join(root, p)) > built);
}
