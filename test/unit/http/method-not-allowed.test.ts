/** 405 Allow lists come from the operation table, for root and /api/v1 paths alike. */
import { describe, expect, it } from 'vitest';
import { operationTable } from '../../../generated/operations.ts';
import { allowedMethodsFromTable } from '../../../src/http/method-not-allowed.ts';

describe('allowedMethodsFromTable', () => {
  const allowed = allowedMethodsFromTable();

  it('lists every method the contract declares for a path, GET implying HEAD', () => {
    expect(allowed('/api/v1/tokens')).toEqual(['GET', 'HEAD', 'POST']);
    expect(allowed('/healthz')).toEqual(['GET', 'HEAD']);
  });

  it('matches templated paths', () => {
    const op = operationTable.find((o) => o.honoPath.includes(':'))!;
    const concrete = op.honoPath.replace(/:\w+/g, '0b0f6a6e-2b43-4a4e-9a0e-6d7f0f1c2a3b');
    expect(allowed(concrete)).toContain(op.method.toUpperCase());
  });

  it('is empty for paths the contract does not have', () => {
    expect(allowed('/api/v1/nothing-here')).toEqual([]);
    expect(allowed('/')).toEqual([]);
  });

  it('covers every operation', () => {
    for (const op of operationTable) expect(allowed(op.honoPath.replace(/:\w+/g, 'x'))).toContain(op.method.toUpperCase());
  });
});
