import { describe, expect, it } from 'vitest';
import { numberArray, textArray } from '../../../src/repositories/postgres/arrays.ts';

describe('Postgres array literals', () => {
  it('spells numbers the way float8 and int8 array input reads them', () => {
    expect(numberArray([1.5, -2, 0, 1764570000123, 0.1 + 0.2])).toBe('{1.5,-2,0,1764570000123,0.30000000000000004}');
    expect(numberArray([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])).toBe('{NaN,Infinity,-Infinity}');
    expect(numberArray([])).toBe('{}');
  });

  it('quotes every text element and escapes quotes and backslashes', () => {
    expect(textArray(['a', 'b"c', 'd\\e', ''])).toBe('{"a","b\\"c","d\\\\e",""}');
  });
});
