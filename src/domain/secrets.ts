/**
 * The one place secrets are stripped from records. Repositories return records as stored (key and secret
 * hashes, heartbeat internals); services call these before a record reaches a handler, an audit entry, an
 * event or a log line. Presenters receive the public objects and map them to the contract.
 */
import type { Agent, AgentRecord } from './agent.ts';
import type { EnrollmentSecret, EnrollmentSecretRecord } from './enrollment-secret.ts';
import type { OperatorToken, OperatorTokenRecord } from './operator-token.ts';

function withoutSecretHash<T extends { secretHash: string }>(record: T): Omit<T, 'secretHash'> {
  const { secretHash: _secretHash, ...rest } = record;
  return rest;
}

export const publicToken = (record: OperatorTokenRecord): OperatorToken => withoutSecretHash(record);

export const publicEnrollmentSecret = (record: EnrollmentSecretRecord): EnrollmentSecret => withoutSecretHash(record);

/** The agent without its key hashes and heartbeat internals. */
export function publicAgent(record: AgentRecord): Agent {
  const { keyHash: _k, previousKeyHash: _p, previousKeyExpiresAt: _e, latestHeartbeat: _h, onlineChangedAt: _o, ...agent } = record;
  return agent;
}
