import { describe, expect, it } from 'vitest';
import { displayPrefix, generateSecret, hashSecret, looksLikeSecret, sameHash } from '../../../src/services/secrets.ts';
import { decodeCursor, encodeCursor } from '../../../src/domain/cursor.ts';

describe('secrets', () => {
  it('are prefixed, 43 base62 characters, and unique', () => {
    const a = generateSecret('opk');
    const b = generateSecret('agk');
    expect(a).toMatch(/^opk_[0-9A-Za-z]{43}$/);
    expect(b).toMatch(/^agk_[0-9A-Za-z]{43}$/);
    expect(new Set(Array.from({ length: 1000 }, () => generateSecret('opk'))).size).toBe(1000);
    expect(looksLikeSecret(a, 'opk')).toBe(true);
    expect(looksLikeSecret(a, 'agk')).toBe(false);
    expect(looksLikeSecret(`${a}x`, 'opk')).toBe(false);
  });

  it('hash to SHA-256 hex and compare only equal digests as equal', () => {
    expect(hashSecret('password')).toBe('5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8');
    const h = hashSecret('x');
    expect(sameHash(h, hashSecret('x'))).toBe(true);
    expect(sameHash(h, hashSecret('y'))).toBe(false);
    expect(sameHash(h, '')).toBe(false);
    expect(sameHash(h, h.slice(0, 10))).toBe(false);
  });

  it('show only a short prefix', () => {
    expect(displayPrefix('opk_abcdefghijk')).toBe('opk_abcdef');
  });
});

describe('cursors', () => {
  it('round-trip ids and reject what we did not issue', () => {
    const id = '01a207a2-09f1-7c82-933e-778b7f8e42ed';
    const cursor = encodeCursor(id)!;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toBe(id);
    expect(encodeCursor(null)).toBeNull();
    expect(decodeCursor('abc')).toBeNull();
    expect(decodeCursor(Buffer.from('v1:drop table').toString('base64url'))).toBeNull();
  });
});
