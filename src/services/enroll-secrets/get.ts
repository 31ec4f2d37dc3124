import type { EnrollmentSecret } from '../../domain/enrollment-secret.ts';
import { publicEnrollmentSecret } from '../../domain/secrets.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';

export async function getEnrollSecret({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<EnrollmentSecret> {
  const principal = requirePrincipal(ctx);
  const secret = await ctx.repos.enrollmentSecrets.findById(principal.tenantId, input.id);
  if (!secret) throw new NotFoundError('enrollment secret', input.id);
  return publicEnrollmentSecret(secret);
}
