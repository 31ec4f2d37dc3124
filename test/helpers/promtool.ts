/** Prometheus' own checker, `promtool` (Debian's `prometheus` package): see system-tools.ts for when tests skip. */
import { systemTool } from './system-tools.ts';

const tool = systemTool('promtool', 'prometheus');

/** True when a promtool test must be skipped (missing here, and not in CI). */
export const skipWithoutPromtool = tool.skip;

/** Runs `promtool …args`; throws under CI when promtool is missing. Output is stdout then stderr. */
export function promtool(args: string[], options: { input?: string; cwd?: string } = {}): { status: number | null; output: string } {
  const { status, output } = tool.run(args, options);
  return { status, output };
}
