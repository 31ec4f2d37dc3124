/** Which results the stored-results lookup still has to ask about by id, given the newest state per endpoint. */
import { describe, expect, it } from 'vitest';
import { mayBeStored } from '../../../src/repositories/shared/check-results.ts';

const at = (ms: number) => new Date(ms);

describe('mayBeStored', () => {
  it('keeps results checked at or before their endpoint state, drops newer ones and endpoints without a state', () => {
    const newest = new Map([
      ['e1', 1_000],
      ['e2', 5_000],
    ]);
    const results = [
      { id: 'a', endpointId: 'e1', ts: at(999) },
      { id: 'b', endpointId: 'e1', ts: at(1_000) },
      { id: 'c', endpointId: 'e1', ts: at(1_001) },
      { id: 'd', endpointId: 'e2', ts: at(4_000) },
      { id: 'e', endpointId: 'e3', ts: at(1) },
    ];
    expect(mayBeStored(results, newest)).toEqual(['a', 'b', 'd']);
  });

  it('asks about nothing when the agent has no state yet', () => {
    expect(mayBeStored([{ id: 'a', endpointId: 'e1', ts: at(1) }], new Map())).toEqual([]);
  });
});
