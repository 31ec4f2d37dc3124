/** Failed queries are logged with their statement, never with their parameters (agent-key and token hashes among them). */
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { safeErrorMessage } from '../../../src/observability/error-serializer.ts';
import { hashSecret } from '../../../src/services/secrets.ts';
import { captureLogger } from '../../helpers/logs.ts';

const statement = 'select "id", "tenant_id" from "agents" where "key_hash" = $1 and "revoked_at" is null';
const keyHash = hashSecret('agk_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG');

/** A postgres.js-style error: parameters kept on the error (enumerable, as in the driver's debug mode) and echoed in `detail`. */
function driverError(): Error {
  return Object.assign(new Error('duplicate key value violates unique constraint "agents_key_hash_key"'), {
    code: '23505',
    detail: `Key (key_hash)=(${keyHash}) already exists.`,
    query: statement,
    parameters: [keyHash],
  });
}

describe('error logging without query parameters', () => {
  it('Drizzle-wrapped driver error: statement logged, parameter values nowhere', () => {
    const logs = captureLogger();
    logs.logger.error({ err: new DrizzleQueryError(statement, [keyHash, 42], driverError()) }, 'unhandled error');
    const text = logs.text();
    expect(text).toContain('key_hash');
    expect(text).toContain('Failed query: select');
    expect(text).not.toContain(keyHash);
  });

  it('the driver error alone, and a child logger', () => {
    const logs = captureLogger();
    logs.logger.child({ requestId: 'r1' }).warn({ err: driverError() }, 'batch failed');
    expect(logs.text()).toContain('duplicate key value');
    expect(logs.text()).not.toContain(keyHash);
  });

  it('messages kept outside the logs (readiness, job status)', () => {
    const message = safeErrorMessage(new DrizzleQueryError(statement, [keyHash], Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })));
    expect(message).toContain('ECONNREFUSED');
    expect(message).toContain('Failed query');
    expect(message).not.toContain(keyHash);
  });
});
