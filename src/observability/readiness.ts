/** Readiness: each dependency is checked with a deadline; the answer names every failing one. */
import { safeErrorMessage } from './error-serializer.ts';

export interface CheckResult {
  status: 'ok' | 'failing';
  latencyMs?: number;
  error?: string;
}

export type Check = () => Promise<void>;

/** How long `/healthz/ready` (and the readiness gauge) wait for each check. */
export const READINESS_TIMEOUT_MS = 2000;

export async function runChecks(checks: Record<string, Check>, timeoutMs: number): Promise<{ ok: boolean; checks: Record<string, CheckResult> }> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, CheckResult]> => {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [name, { status: 'ok', latencyMs: Math.round((performance.now() - started) * 100) / 100 }];
      } catch (err) {
        return [name, { status: 'failing', error: safeErrorMessage(err) }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ok: entries.every(([, r]) => r.status === 'ok'), checks: Object.fromEntries(entries) };
}
