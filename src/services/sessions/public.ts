import type { ConsoleSession, ConsoleSessionRecord } from '../../domain/console-session.ts';

/** A session without the hash of its cookie secret. */
export function publicSession({ secretHash: _hash, ...session }: ConsoleSessionRecord): ConsoleSession {
  return session;
}
