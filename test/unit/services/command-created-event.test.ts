import { describe, expect, it } from 'vitest';
import type { Command } from '../../../src/domain/command.ts';
import { commandCreated, executionsFor, WAKE_HINT_MAX } from '../../../src/services/commands/records.ts';
import type { ServiceContext } from '../../../src/services/context.ts';

const createdAt = new Date('2026-12-02T10:00:00Z');
// commandCreated reads only the clock of the context.
const ctx = { now: () => createdAt } as unknown as ServiceContext;

function command(overrides: Partial<Command> = {}): Command {
  return {
    id: 'c1',
    tenantId: 't1',
    type: 'run_command',
    payload: { cmd: 'true', timeoutSec: 5 },
    targets: { tags: ['web'] },
    ttlSec: 600,
    notBefore: null,
    expiresAt: new Date(createdAt.getTime() + 600_000),
    maxConcurrency: null,
    maxErrors: null,
    createdBy: null,
    createdAt,
    ...overrides,
  };
}
const agents = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `a${i}`, capabilities: i === 0 ? [] : ['run_command'] }));
const hintOf = (c: Command, n: number) => commandCreated(ctx, c, executionsFor(c, agents(n))).wakes;

describe('command_created wake hint', () => {
  it('names the agents with a pending execution, not the skipped ones', () => {
    expect(hintOf(command(), 3)).toEqual(['a1', 'a2']);
  });

  it('names nobody for a large fan-out, a concurrency limit or a notBefore ahead (the wake-ups query decides)', () => {
    expect(hintOf(command(), WAKE_HINT_MAX + 1)).toHaveLength(WAKE_HINT_MAX); // one of them is skipped
    expect(hintOf(command(), WAKE_HINT_MAX + 2)).toBeUndefined();
    expect(hintOf(command({ maxConcurrency: 1 }), 3)).toBeUndefined();
    expect(hintOf(command({ notBefore: new Date(createdAt.getTime() + 1000) }), 3)).toBeUndefined();
    expect(hintOf(command({ notBefore: new Date(createdAt.getTime() - 1000), maxErrors: 1 }), 3)).toEqual(['a1', 'a2']);
  });
});
