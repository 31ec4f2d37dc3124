/**
 * `agentry backup --out FILE` and `agentry restore --from FILE [--force]`, on the SQLite database named by
 * the same configuration the server reads (`-c`, AGENTRY_DATABASE_URL). Postgres has its own tools:
 * pg_dump and pg_restore (README, "Backup and restore").
 */
import { resolve } from 'node:path';
import type { Config } from '../config/types.ts';

/** The database file, or the reason these commands do not apply to the configured database. */
function sqliteFile(config: Config, command: string): string | { refusal: string } {
  const url = config.database.url;
  if (!url.startsWith('sqlite:')) return { refusal: `agentry ${command} works on SQLite databases; database.url is Postgres: use pg_dump / pg_restore (README, "Backup and restore")` };
  const path = url.slice('sqlite:'.length);
  if (path === ':memory:') return { refusal: `database.url is an in-memory SQLite database: there is no file to ${command}` };
  return resolve(path);
}

/** Exit code 0 when written; 2 (with the reason on stderr) when refused. */
export async function backupCommand(config: Config, args: { out?: string }): Promise<number> {
  if (!args.out) return refuse('backup: --out <file> is required');
  const file = sqliteFile(config, 'backup');
  if (typeof file !== 'string') return refuse(file.refusal);
  const { backupSqlite, BackupError } = await import('../repositories/sqlite/backup.ts');
  const started = performance.now();
  try {
    const { bytes } = await backupSqlite(file, resolve(args.out), config.database.busyTimeoutMs);
    process.stdout.write(`backup of ${file} written to ${resolve(args.out)} (${bytes} bytes, ${Math.round(performance.now() - started)} ms)\n`);
    return 0;
  } catch (err) {
    if (err instanceof BackupError) return refuse(`backup: ${err.message}`);
    throw err;
  }
}

export async function restoreCommand(config: Config, args: { from?: string; force?: boolean }): Promise<number> {
  if (!args.from) return refuse('restore: --from <backup file> is required');
  const file = sqliteFile(config, 'restore');
  if (typeof file !== 'string') return refuse(file.refusal);
  const { restoreSqlite, BackupError } = await import('../repositories/sqlite/backup.ts');
  try {
    const { replaced } = restoreSqlite(resolve(args.from), file, { force: args.force ?? false });
    process.stdout.write(`restored ${file} from ${resolve(args.from)}${replaced ? `; the previous database is kept as ${replaced}` : ''}\n`);
    return 0;
  } catch (err) {
    if (err instanceof BackupError) return refuse(`restore: ${err.message}`);
    throw err;
  }
}

function refuse(message: string): number {
  process.stderr.write(`agentry: ${message}\n`);
  return 2;
}
