/** Issues an operator token in a tenant: the common core of the API's createToken and the CLI. */
import type { OperatorToken, Role } from '../../domain/operator-token.ts';
import { auditEntry, snapshot } from '../audit/entry.ts';
import type { ServiceContext } from '../context.ts';
import { newEvent } from '../events/new-event.ts';
import { newId } from '../ids.ts';
import { displayPrefix, generateSecret, hashSecret } from '../secrets.ts';

export interface IssueTokenInput {
  tenantId: string;
  name: string;
  role: Role;
  expiresAt?: Date;
}

export async function issueToken(ctx: ServiceContext, input: IssueTokenInput): Promise<{ token: OperatorToken; secret: string }> {
  const secret = generateSecret('opk');
  const token: OperatorToken = {
    id: newId(),
    tenantId: input.tenantId,
    name: input.name,
    prefix: displayPrefix(secret),
    role: input.role,
    createdAt: ctx.now(),
    lastUsedAt: null,
    expiresAt: input.expiresAt ?? null,
    revokedAt: null,
  };
  const audit = auditEntry(ctx, { tenantId: token.tenantId, action: 'token.create', resourceType: 'token', resourceId: token.id, after: snapshot(token) });
  const event = newEvent(ctx, { tenantId: token.tenantId, type: 'token_created', resourceType: 'token', resourceId: token.id, data: { name: token.name, role: token.role, prefix: token.prefix } });
  await ctx.repos.operatorTokens.create({ ...token, secretHash: hashSecret(secret) }, { audit, events: [event] });
  ctx.log.info({ tokenId: token.id, role: token.role, tenantId: token.tenantId }, 'operator token created');
  return { token, secret };
}
