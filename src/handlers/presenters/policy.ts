/** Policies → the contract's Policy (dates as RFC 3339 UTC). */
import type { Policy } from '../../domain/policy.ts';

export function presentPolicy(p: Policy) {
  return { ...p, createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString() };
}
