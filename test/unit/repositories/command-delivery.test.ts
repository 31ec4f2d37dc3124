/** Planning a delivery to many agents at once: per-agent limit, rollout slots taken in order, error threshold. */
import { describe, expect, it } from 'vitest';
import { emptyCounts } from '../../../src/domain/command.ts';
import { cancelsByAgent, planRelease, type ReleaseCandidate } from '../../../src/repositories/shared/command-delivery.ts';

const open = (agentId: string, commandId: string): ReleaseCandidate => ({ agentId, commandId, maxConcurrency: null, maxErrors: null });

describe('planRelease', () => {
  it('gives each agent at most perAgent executions, oldest command first', () => {
    const plan = planRelease([open('a2', 'c2'), open('a1', 'c3'), open('a1', 'c1'), open('a1', 'c2'), open('a2', 'c1')], new Map(), 2);
    expect(Object.fromEntries(plan)).toEqual({ c1: ['a1', 'a2'], c2: ['a1', 'a2'] });
  });

  it('hands out only the concurrency slots a command has left, in agent order', () => {
    const limited = (agentId: string): ReleaseCandidate => ({ agentId, commandId: 'c', maxConcurrency: 3, maxErrors: null });
    const counts = new Map([['c', { ...emptyCounts(), delivered: 1 }]]);
    expect(Object.fromEntries(planRelease(['a4', 'a1', 'a3', 'a2'].map(limited), counts, 10))).toEqual({ c: ['a1', 'a2'] });
    expect(planRelease(['a1'].map(limited), new Map([['c', { ...emptyCounts(), running: 3 }]]), 10).size).toBe(0);
  });

  it('releases nothing of a command past its error threshold, and up to it otherwise', () => {
    const capped = (agentId: string): ReleaseCandidate => ({ agentId, commandId: 'c', maxConcurrency: null, maxErrors: 1 });
    expect(planRelease(['a1', 'a2'].map(capped), new Map([['c', { ...emptyCounts(), failed: 1, timed_out: 1 }]]), 10).size).toBe(0);
    expect(planRelease(['a1', 'a2'].map(capped), new Map([['c', { ...emptyCounts(), failed: 1 }]]), 10).get('c')).toEqual(['a1', 'a2']);
  });
});

describe('cancelsByAgent', () => {
  it('groups cancel requests per agent in command order', () => {
    const rows = [
      { agentId: 'a', commandId: 'c2' },
      { agentId: 'b', commandId: 'c1' },
      { agentId: 'a', commandId: 'c1' },
    ];
    expect(Object.fromEntries(cancelsByAgent(rows))).toEqual({ a: ['c1', 'c2'], b: ['c1'] });
  });
});
