/** Bearer secrets: 256 random bits, base62, with a readable prefix. Stored only as SHA-256 hex. */
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 43 base62 characters carry > 256 bits. */
const SECRET_CHARS = 43;
/** How much of a secret lists show: prefix plus this many characters. */
const DISPLAY_CHARS = 6;

/** `opk` operator token, `agk` agent key, `ens` enrollment secret, `ses` console session. */
export type SecretKind = 'opk' | 'agk' | 'ens' | 'ses';

export function generateSecret(kind: SecretKind): string {
  let out = '';
  while (out.length < SECRET_CHARS) {
    for (const byte of randomBytes(64)) {
      // Rejection sampling keeps the distribution uniform (248 = 4 × 62).
      if (byte < 248 && out.length < SECRET_CHARS) out += ALPHABET[byte % 62];
    }
  }
  return `${kind}_${out}`;
}

export function hashSecret(secret: string): string {
  // The one-shot hash skips the Hash object: it runs on every authenticated request.
  return hash('sha256', secret, 'hex');
}

export function displayPrefix(secret: string): string {
  return secret.slice(0, secret.indexOf('_') + 1 + DISPLAY_CHARS);
}

/** Constant-time comparison of two hex digests. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export function looksLikeSecret(value: string, kind: SecretKind): boolean {
  return value.length === kind.length + 1 + SECRET_CHARS && value.startsWith(`${kind}_`) && /^[A-Za-z0-9]+$/.test(value.slice(kind.length + 1));
}
