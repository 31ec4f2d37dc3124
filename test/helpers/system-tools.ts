/**
 * Debian tools some tests need (`promtool` from `prometheus`, `docker-compose`). scripts/test installs
 * them as root; elsewhere a test that needs a missing one is skipped, except under CI=true, where it runs
 * and fails, so that CI never passes without the check.
 */
import { spawnSync } from 'node:child_process';

const ci = process.env.CI === 'true' || process.env.CI === '1';

export interface SystemTool {
  /** True when tests of this tool must be skipped (missing here, and not in CI). */
  skip: boolean;
  /** Runs the tool; throws (under CI) when it is missing. Output is stdout then stderr. */
  run(args: string[], options?: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv }): { status: number | null; stdout: string; output: string };
}

export function systemTool(command: string, debianPackage: string): SystemTool {
  const available = spawnSync(command, ['--version'], { encoding: 'utf8' }).status === 0;
  return {
    skip: !available && !ci,
    run(args, options = {}) {
      if (!available) throw new Error(`CI: ${command} is missing (apt-get install ${debianPackage}); this check must run`);
      const run = spawnSync(command, args, { input: options.input, cwd: options.cwd, env: options.env, encoding: 'utf8' });
      return { status: run.status, stdout: run.stdout, output: `${run.stdout}${run.stderr}` };
    },
  };
}
