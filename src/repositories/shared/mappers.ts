/** Row → domain mappers shared by both dialects (their rows have the same shape through Drizzle). */
import type { OperatorToken, OperatorTokenRecord } from '../types.ts';

export function withoutSecret(row: OperatorTokenRecord): OperatorToken {
  const { secretHash: _secretHash, ...token } = row;
  return token;
}
