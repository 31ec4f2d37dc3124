/**
 * Optimistic concurrency for mutable resources (SPEC §2): every resource carries an integer `version`,
 * sent as the ETag `"<version>"`. A write may name the version it read either as `If-Match` (mismatch:
 * 412) or as `version` in the body (mismatch: 409 version_conflict with the current version).
 */
import { ConflictError, PreconditionFailedError } from './errors.ts';

export interface Expectation {
  /** Raw If-Match header, if any. */
  ifMatch?: string;
  /** `version` from the body, if any. */
  version?: number;
}

export const etagOf = (version: number): string => `"${version}"`;

/** Throws when the caller expected another version than `current`. */
export function checkVersion(current: number, expected: Expectation): void {
  if (expected.ifMatch !== undefined && expected.ifMatch.trim() !== '*') {
    const tags = expected.ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
    if (!tags.includes(etagOf(current))) throw new PreconditionFailedError(`If-Match does not match the current version ${current}`);
  }
  if (expected.version !== undefined && expected.version !== current) {
    throw new VersionConflictError(current);
  }
}

export class VersionConflictError extends ConflictError {
  override readonly kind = 'version-conflict';
  constructor(currentVersion: number) {
    super(`the resource changed: it is at version ${currentVersion}; re-read it and apply your change again`, { currentVersion });
  }
}
