/** Rules every write of an endpoint checks: a shape its check type can use, and assignment targets of the caller's tenant. */
import type { CheckType, EndpointAssignment } from '../../domain/endpoint.ts';
import type { ServiceContext } from '../context.ts';
import { NotFoundError, ValidationError } from '../errors.ts';

const NEEDS_PORT: readonly CheckType[] = ['tcpconnect', 'udpconnect'];

/** `tcpconnect`/`udpconnect` need a port; `httpget` needs an http(s) URL; the others a host or IP, not a URL. */
export function checkEndpointShape(e: { checkType: CheckType | null; address: string; port: number | null }): void {
  if (e.checkType === null) return;
  if (NEEDS_PORT.includes(e.checkType) && e.port === null) {
    throw new ValidationError(`a ${e.checkType} endpoint needs a port`, [{ path: 'body/port', message: `required for ${e.checkType}` }]);
  }
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(e.address);
  if (e.checkType === 'httpget') {
    if (!isHttpUrl(e.address)) throw new ValidationError('an httpget endpoint needs an http:// or https:// URL', [{ path: 'body/address', message: 'not an http(s) URL' }]);
  } else if (isUrl) {
    throw new ValidationError(`a ${e.checkType} endpoint takes a host name or IP address, not a URL`, [{ path: 'body/address', message: 'a URL' }]);
  }
}

function isHttpUrl(address: string): boolean {
  try {
    const u = new URL(address);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** Agents and the section the assignment names must exist in the tenant: others' are as absent as unknown ones (404). */
export async function requireAssignmentTargets(ctx: ServiceContext, tenantId: string, assignment: EndpointAssignment): Promise<void> {
  if (assignment.sectionId !== null && !(await ctx.repos.sections.findById(tenantId, assignment.sectionId))) {
    throw new NotFoundError('section', assignment.sectionId);
  }
  for (const agentId of assignment.agentIds) {
    if (!(await ctx.repos.agents.findById(tenantId, agentId))) throw new NotFoundError('agent', agentId);
  }
}

/** Ids arrive canonical (the contract's Uuid pattern accepts only lower case); stored without repeats. */
export function normaliseAssignment(a: { agentIds?: string[]; sectionId?: string | null; tags?: string[] } | undefined): EndpointAssignment {
  return {
    agentIds: [...new Set(a?.agentIds ?? [])],
    sectionId: a?.sectionId ?? null,
    tags: [...new Set(a?.tags ?? [])],
  };
}
