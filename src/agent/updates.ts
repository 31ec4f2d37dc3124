/**
 * `update_package` through the host's package manager (apt-get, dnf, yum or apk, the first found), and
 * `update_agent`: download the new package, check its SHA-256, keep it in `<state dir>/updates/`. Replacing
 * the running agent is left to the service manager (the package manager or a restart of the unit picks up
 * the downloaded file); the agent does not overwrite itself while running.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSpec } from './process-runner.ts';

const MANAGERS = ['apt-get', 'dnf', 'yum', 'apk'] as const;

function findManager(): (typeof MANAGERS)[number] {
  const dirs = (process.env.PATH ?? '/usr/bin:/bin').split(':');
  const found = MANAGERS.find((m) => dirs.some((d) => existsSync(join(d, m))));
  if (!found) throw new Error('no supported package manager (apt-get, dnf, yum, apk) on this host');
  return found;
}

/** The package manager's command line for the payload `{name, action, version?}`. */
export function packageCommand(payload: Record<string, unknown>, manager = findManager()): Omit<RunSpec, 'timeoutSec'> {
  const name = String(payload.name);
  const version = typeof payload.version === 'string' ? payload.version : null;
  const action = String(payload.action);
  if (!/^[A-Za-z0-9][A-Za-z0-9+._:@-]*$/.test(name) || (version && !/^[A-Za-z0-9+._:~-]+$/.test(version))) throw new Error(`refusing package name or version: ${name} ${version ?? ''}`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  switch (manager) {
    case 'apt-get': {
      const spec = version ? `${name}=${version}` : name;
      if (action === 'remove') return { cmd: 'apt-get', args: ['remove', '-y', name], env };
      return { cmd: 'apt-get', args: action === 'upgrade' ? ['install', '-y', '--only-upgrade', spec] : ['install', '-y', spec], env };
    }
    case 'dnf':
    case 'yum': {
      const spec = version ? `${name}-${version}` : name;
      return { cmd: manager, args: [action === 'remove' ? 'remove' : action === 'upgrade' ? 'upgrade' : 'install', '-y', spec] };
    }
    case 'apk': {
      const spec = version ? `${name}=${version}` : name;
      return { cmd: 'apk', args: action === 'remove' ? ['del', name] : action === 'upgrade' ? ['add', '--upgrade', spec] : ['add', spec] };
    }
  }
}

export async function downloadAgentUpdate(payload: Record<string, unknown>, stateDir: string, say: (text: string) => void): Promise<{ status: 'succeeded' | 'failed'; exitCode: number | null; error?: string }> {
  const url = String(payload.url);
  const expected = String(payload.sha256).toLowerCase();
  const res = await fetch(url, { signal: AbortSignal.timeout(600_000) });
  if (!res.ok) return { status: 'failed', exitCode: null, error: `download of ${url} answered ${res.status}` };
  const bytes = Buffer.from(await res.arrayBuffer());
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected) return { status: 'failed', exitCode: null, error: `sha256 mismatch: expected ${expected}, got ${actual}` };
  const dir = join(stateDir, 'updates');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `agentry-${String(payload.version).replace(/[^A-Za-z0-9._-]/g, '_')}.tgz`);
  writeFileSync(file, bytes, { mode: 0o600 });
  say(`downloaded ${bytes.length} bytes to ${file}, sha256 verified; the service manager installs it on the next restart\n`);
  return { status: 'succeeded', exitCode: 0 };
}
