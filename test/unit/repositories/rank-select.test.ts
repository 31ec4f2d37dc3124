/** Two exact order statistics by counting into bins: the same values as sorting, for every shape of data that can crowd or empty the bins. */
import { describe, expect, it } from 'vitest';
import { twoRanks } from '../../../src/repositories/shared/rank-select.ts';

let seed = 11;
const rnd = () => {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647;
};

const shapes: Record<string, (i: number, n: number) => number> = {
  uniform: () => 5 + rnd() * 40,
  'few outliers': () => (rnd() < 0.01 ? 1e6 * rnd() : 10 + rnd()),
  'one huge outlier': (i) => (i === 0 ? 1e300 : rnd()),
  'heavy ties': () => Math.floor(rnd() * 4),
  'all equal': () => 12.5,
  'negative and positive': () => (rnd() - 0.5) * 1e3,
  exponential: () => -Math.log(1 - rnd()) * 20,
  'tiny spread': () => 1 + rnd() * 1e-12,
  'two clusters': () => (rnd() < 0.9 ? 1 + rnd() : 1e9 + rnd()),
};

function check(values: number[], low: number, high: number): void {
  const sorted = [...values].sort((a, b) => a - b);
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  expect(twoRanks(Float64Array.from(values), low, high, min, max)).toEqual([sorted[low], sorted[high]]);
}

describe('twoRanks', () => {
  for (const [name, shape] of Object.entries(shapes)) {
    it(`matches sorting: ${name}`, () => {
      for (const n of [1, 2, 3, 255, 256, 257, 1000, 3457, 20_000]) {
        const values = Array.from({ length: n }, (_, i) => shape(i, n));
        check(values, Math.max(0, Math.ceil(0.5 * n) - 1), Math.max(0, Math.ceil(0.95 * n) - 1));
        const a = Math.floor(rnd() * n);
        const b = Math.floor(rnd() * n);
        check(values, Math.min(a, b), Math.max(a, b));
        check(values, 0, n - 1);
      }
    });
  }

  it('gives both ranks from one bin and from two (the low rank and the high rank in the same bin, or not)', () => {
    const n = 4000;
    const values = Array.from({ length: n }, (_, i) => i);
    check(values, 1000, 1001);
    check(values, 1000, 3000);
    check(values, 3999, 3999);
  });

  it('leaves later calls unaffected by the scratch space of a larger one', () => {
    check(
      Array.from({ length: 50_000 }, () => rnd()),
      24_999,
      47_499,
    );
    check(
      Array.from({ length: 300 }, () => rnd() * 3),
      149,
      284,
    );
  });
});
