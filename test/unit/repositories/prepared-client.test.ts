/** Small parameterised statements go prepared, in transactions and savepoints too; others as asked. */
import { describe, expect, it, vi } from 'vitest';
import type postgres from 'postgres';
import { PREPARE_MAX_PARAMS, preparingClient } from '../../../src/repositories/postgres/prepared-client.ts';

/** A stand-in for postgres.js's `sql`: records each `unsafe` call's options; `begin` and `savepoint` call back with another such object. */
function fakeSql(calls: unknown[][]): postgres.Sql {
  const sql = Object.assign(() => undefined, {
    unsafe: vi.fn((...args: unknown[]) => {
      calls.push(args);
      return 'ran';
    }),
    begin: (...args: unknown[]) => (args.at(-1) as (tx: unknown) => unknown)(fakeSql(calls)),
    savepoint: (...args: unknown[]) => (args.at(-1) as (tx: unknown) => unknown)(fakeSql(calls)),
    end: vi.fn(() => 'ended'),
    options: { max: 3 },
  });
  return sql as unknown as postgres.Sql;
}

describe('preparingClient', () => {
  it('prepares statements with 1 to PREPARE_MAX_PARAMS parameters, and leaves the others as they were asked', () => {
    const calls: unknown[][] = [];
    const sql = preparingClient(fakeSql(calls));
    sql.unsafe('select $1', [1], { prepare: false });
    sql.unsafe('select 1');
    sql.unsafe('select 1', [], { prepare: false });
    const many = Array.from({ length: PREPARE_MAX_PARAMS + 1 }, (_, i) => i);
    sql.unsafe('select many', many, { prepare: false });
    sql.unsafe('select $1 named', [1], { prepare: true });
    expect(calls.map((c) => (c[2] as { prepare?: boolean } | undefined)?.prepare)).toEqual([true, undefined, false, false, true]);
  });

  it('prepares inside begin(fn), begin(options, fn) and savepoint(name, fn)', async () => {
    const calls: unknown[][] = [];
    const sql = preparingClient(fakeSql(calls));
    await sql.begin((tx) => tx.unsafe('select $1', [1], { prepare: false }));
    await sql.begin('read write', (tx) => tx.savepoint('s', (sp) => sp.unsafe('select $2', [2])));
    expect(calls.map((c) => (c[2] as { prepare?: boolean }).prepare)).toEqual([true, true]);
  });

  it('passes everything else through to the client', () => {
    const calls: unknown[][] = [];
    const inner = fakeSql(calls);
    const sql = preparingClient(inner);
    expect(sql.end()).toBe('ended');
    expect(inner.end).toHaveBeenCalledOnce();
    expect(sql.options.max).toBe(3);
  });
});
