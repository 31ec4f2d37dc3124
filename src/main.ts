#!/usr/bin/env node
/**
 * agentry CLI.
 *   agentry serve   [-c config.yaml]                      start the server (default: SQLite at ./data/agentry.db, :8080)
 *   agentry migrate [-c config.yaml]                      apply database migrations and exit
 *   agentry token create --role R [--name N] [--tenant ID] [-c config.yaml]
 *   agentry token generate                                print a fresh token secret (for AGENTRY_ADMIN_TOKEN)
 *   agentry backup --out FILE [-c config.yaml]            online backup of the SQLite database
 *   agentry restore --from FILE [--force] [-c config.yaml] restore the SQLite database (no server running)
 *   agentry agent --server URL (--enroll-secret S | --claim) [--state-dir DIR]   run the reference agent
 *   agentry sim --server URL --agents N --duration S [--rate R]                  simulate a fleet
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { ConfigError, loadConfig } from './config/load.ts';
import { createLogger } from './observability/logger.ts';
import { DomainError } from './services/errors.ts';
import { DatabaseLockedError } from './repositories/sqlite/lock-error.ts';
import { generateSecret } from './services/secrets.ts';
// The server, storage and CLI modules are imported on demand: loading drizzle and friends takes about a
// second, which `token generate` and `--help` should not pay.

const USAGE = `usage:
  agentry serve   [-c <config file>]
  agentry migrate [-c <config file>]
  agentry token create --role <viewer|operator|admin|system> [--name <name>] [--tenant <tenant id>] [-c <config file>]
  agentry token generate
  agentry backup  --out <file> [-c <config file>]
  agentry restore --from <backup file> [--force] [-c <config file>]
  agentry agent --server <url> (--enroll-secret <secret> | --claim) [--state-dir <dir>] [--max-outbox <items>]
  agentry sim   --server <url> --token <operator token> --agents <n> --duration <seconds> [--rate <x>]`;

async function main(argv: string[]): Promise<number> {
  // The agent and the simulator have options of their own and need neither the server's configuration nor its modules.
  if (argv[0] === 'agent') return (await import('./agent/cli.ts')).agentCli(argv.slice(1));
  if (argv[0] === 'sim') return (await import('./sim/cli.ts')).simCli(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      role: { type: 'string' },
      name: { type: 'string' },
      tenant: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      out: { type: 'string' },
      from: { type: 'string' },
      force: { type: 'boolean' },
    },
  });
  const [command = 'serve', sub] = positionals;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (command === 'token' && sub === 'generate') {
    console.log(generateSecret('opk'));
    return 0;
  }
  const config = loadConfig({ file: values.config });
  // Only `serve` logs to stdout; other commands keep stdout for their result (e.g. a token secret).
  const logger = createLogger(config.log.level, command === 'serve' ? undefined : pino.destination(2));

  switch (command) {
    case 'serve': {
      const { startServer } = await import('./server.ts');
      const server = await startServer(config, { logger, adminToken: process.env.AGENTRY_ADMIN_TOKEN || undefined });
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          logger.info({ signal }, 'signal received');
          process.once(signal, () => process.exit(130)); // a second signal forces the exit
          void server.close().then(resolve);
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      logger.flush();
      return 0;
    }
    case 'migrate': {
      const { openRepositories } = await import('./repositories/index.ts');
      const repos = await openRepositories(config.database, { migrate: true });
      await repos.close();
      console.log(`migrations applied (${repos.dialect})`);
      return 0;
    }
    case 'backup':
      return (await import('./cli/backup.ts')).backupCommand(config, values);
    case 'restore':
      return (await import('./cli/backup.ts')).restoreCommand(config, values);
    case 'token':
      if (sub === 'create') {
        const { createTokenFromCli } = await import('./cli/token-create.ts');
        await createTokenFromCli(config, logger, { role: values.role, name: values.name, tenant: values.tenant });
        return 0;
      }
      break;
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof DomainError || err instanceof DatabaseLockedError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`agentry: ${(err as Error).message}`);
      process.exit(2);
    }
    console.error('agentry: fatal:', err);
    process.exit(1);
  },
);
