/**
 * Checks of a valid configuration against the machine it runs on, before the server opens anything: a
 * setting that cannot work here (typically in a container: a read-only root filesystem, a volume not
 * mounted, a Secret not mounted) stops the start with the key named, instead of a stack trace from deep
 * inside the driver or the TLS stack, or a server that starts and fails later.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { ConfigError } from './load.ts';
import type { Config } from './types.ts';

/** Throws a ConfigError listing every problem, each as `key: what is wrong`. */
export function checkRuntime(config: Config): void {
  const problems = [...databaseProblems(config.database.url), ...tlsProblems(config.server)];
  if (problems.length > 0) throw new ConfigError(`configuration cannot work on this machine:\n  ${problems.join('\n  ')}`);
}

const reason = (err: unknown): string => {
  const code = (err as { code?: string }).code;
  if (code === 'EROFS') return 'read-only filesystem';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'does not exist';
  return code ?? String(err);
};

/**
 * SQLite writes the database, its `-wal` and `-shm` files and the lock file (`.lock`) beside each other,
 * so the directory must be writable (or creatable), not only the file.
 */
function databaseProblems(url: string): string[] {
  if (!url.startsWith('sqlite:')) return [];
  const path = url.slice('sqlite:'.length);
  if (path === ':memory:') return [];
  const file = resolve(path);
  const key = 'database.url';
  let dir = dirname(file);
  // The nearest directory that exists: the missing ones are created in it.
  while (!exists(dir) && dirname(dir) !== dir) dir = dirname(dir);
  if (!statSync(dir).isDirectory()) return [`${key}: ${dir} is not a directory (SQLite file ${file})`];
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    return [`${key}: directory ${dir} is not writable (${reason(err)}); SQLite creates ${file} and its -wal, -shm and .lock files there: mount a writable volume there or point ${key} at one`];
  }
  if (!exists(file)) return [];
  try {
    accessSync(file, constants.R_OK | constants.W_OK);
  } catch (err) {
    return [`${key}: ${file} is not writable (${reason(err)})`];
  }
  return [];
}

function tlsProblems(server: Config['server']): string[] {
  const { tlsCertFile: cert, tlsKeyFile: key } = server;
  if (!cert && !key) return [];
  if (!cert) return ['server.tlsCertFile: required when server.tlsKeyFile is set'];
  if (!key) return ['server.tlsKeyFile: required when server.tlsCertFile is set'];
  const contents: Record<string, Buffer> = {};
  const problems: string[] = [];
  for (const [name, file] of [
    ['server.tlsCertFile', cert],
    ['server.tlsKeyFile', key],
  ] as const) {
    try {
      contents[name] = readFileSync(file);
    } catch (err) {
      problems.push(`${name}: cannot read ${file} (${reason(err)})`);
    }
  }
  if (problems.length > 0) return problems;
  try {
    createSecureContext({ cert: contents['server.tlsCertFile'], key: contents['server.tlsKeyFile'] });
  } catch (err) {
    return [`server.tlsCertFile, server.tlsKeyFile: not a usable certificate and private key pair (${(err as Error).message})`];
  }
  return [];
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
