/**
 * Builds the web console (src/console → dist/console) when it is missing or older than its sources:
 * `./scripts/start` and the test setup call it, so the build output never needs committing.
 * `--force` always builds.
 */
import { execFileSync } from 'node:child_process';
import { isStale } from './build-freshness.ts';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** What the build reads besides node_modules: a change to any of them makes the build stale. */
const inputs = ['src/console', 'generated/api.d.ts', 'package-lock.json'];

export const consoleIsStale = (): boolean => isStale(root, 'dist/console/index.html', inputs);

export function buildConsole(force = false): boolean {
  if (!force && !consoleIsStale()) return false;
  const vite = join(root, 'node_modules/vite/bin/vite.js');
  // Always a production build, also when called from the test runner (which sets NODE_ENV=test: React would build in development mode).
  const env = { ...process.env, NODE_ENV: 'production' };
  execFileSync(process.execPath, [vite, 'build', '--mode', 'production', '--config', 'src/console/vite.config.ts', '--logLevel', 'warn'], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const built = buildConsole(process.argv.includes('--force'));
  process.stderr.write(built ? 'agentry: console built into dist/console\n' : 'agentry: console is up to date\n');
}
