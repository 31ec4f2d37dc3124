/** `agentry token create`: issues a token directly in the database (for recovery or automation). */
import type { Config } from '../config/types.ts';
import type { Logger } from '../observability/logger.ts';
import { openRepositories } from '../repositories/index.ts';
import type { Role } from '../domain/operator-token.ts';
import { NotFoundError, ValidationError } from '../services/errors.ts';
import { issueToken } from '../services/tokens/issue.ts';

const ROLES: Role[] = ['viewer', 'operator', 'admin', 'system'];

export async function createTokenFromCli(config: Config, logger: Logger, args: { role?: string; name?: string; tenant?: string }): Promise<void> {
  if (!args.role || !ROLES.includes(args.role as Role)) throw new ValidationError(`--role must be one of ${ROLES.join(', ')}`);
  const repos = await openRepositories(config.database);
  try {
    const tenant = args.tenant ? await repos.tenants.findById(args.tenant) : await repos.tenants.findByName('default');
    if (!tenant) throw new NotFoundError('tenant', args.tenant ?? 'default (start the server once to create it)');
    const ctx = { log: logger, repos, requestId: null, ip: null, principal: null, now: () => new Date() };
    const { token, secret } = await issueToken(ctx, { tenantId: tenant.id, name: args.name ?? `cli ${args.role} token`, role: args.role as Role });
    process.stdout.write(`${secret}\n`);
    process.stderr.write(`token ${token.id} (${token.role}) created in tenant ${tenant.name}; the secret above is shown only once\n`);
  } finally {
    await repos.close();
  }
}
