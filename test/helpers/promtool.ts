/**
 * Prometheus' own checker, `promtool` (Debian's `prometheus` package). Tests that need it are skipped
 * locally when it is missing; under CI=true they run and fail, so CI never passes without it.
 */
import { spawnSync } from 'node:child_process';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const available = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;

/** True when a promtool test must be skipped (missing here, and not in CI). */
export const skipWithoutPromtool = !available && !ci;

/** Runs `promtool …args`; throws under CI when promtool is missing. Output is stdout then stderr. */
export function promtool(args: string[], options: { input?: string; cwd?: string } = {}): { status: number | null; output: string } {
  if (!available) throw new Error('CI: promtool is missing (apt-get install prometheus); this check must run');
  const run = spawnSync('promtool', args, { input: options.input, cwd: options.cwd, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
