import type { ConfigurationCache } from '../configuration/cache.ts';
import { DEFAULT_POLICY_BODY } from '../configuration/document.ts';
import { readAgentConfiguration } from '../configuration/read.ts';
import type { ServiceContext } from '../context.ts';

/**
 * The output cap of the calling agent's executions: `commands.maxOutputBytes` of its effective
 * configuration when a policy sets it, else the server's `commands.maxOutputBytes`. The compiled document
 * always carries a value (the policy default when no policy sets one), so the policy default stands for
 * "not set". Read from the configuration cache: a hit costs no query.
 */
export async function outputCapOf({ ctx, cache, serverCap }: { ctx: ServiceContext; cache: ConfigurationCache; serverCap: number }): Promise<number> {
  const answer = await readAgentConfiguration({ ctx, input: {}, cache });
  if (answer.kind !== 'document') return serverCap;
  const policyCap = answer.document.agentry.commands.max_output_bytes;
  return policyCap === DEFAULT_POLICY_BODY.commands.maxOutputBytes ? serverCap : policyCap;
}
