/**
 * Cookies ride along on requests other sites make a browser send, so the console session cookie counts
 * only on same-origin requests. Browsers say where a request comes from in `Sec-Fetch-Site` (all current
 * ones) and `Origin` (every cross-origin request, and same-origin ones but GET/HEAD): a request that
 * names another site is refused, and so is an unsafe method that names none (not a browser request of ours).
 */
import type { Context } from 'hono';
import { requestHeader } from './headers.ts';

export const SESSION_COOKIE = 'agentry_session';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** Why a request may not use the session cookie, or null when it is same-origin. */
export function crossOriginReason(c: Context): string | null {
  const site = requestHeader(c, 'sec-fetch-site');
  const safe = SAFE_METHODS.has(c.req.method);
  // `none`: the user opened the URL themselves (address bar, bookmark) — not another site's doing.
  if (site !== undefined && site !== 'same-origin' && !(site === 'none' && safe)) return `a ${site} request may not use the console session`;
  const origin = requestHeader(c, 'origin');
  if (origin !== undefined && origin !== ownOrigin(c)) return `requests from ${origin} may not use the console session`;
  if (site === undefined && origin === undefined && !safe) return `a ${c.req.method} with the console session must come from the console page (it sends Origin)`;
  return null;
}

/** This server's origin as the browser addressed it (scheme and Host). */
function ownOrigin(c: Context): string {
  return new URL(c.req.url).origin;
}

/** The session cookie's value in the request's Cookie header, if any. */
export function sessionCookie(c: Context): string | undefined {
  const header = requestHeader(c, 'cookie');
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** `Set-Cookie` for a session: HttpOnly, SameSite=Strict, Secure when the request came over TLS. */
export function sessionSetCookie(c: Context, secret: string, maxAgeSeconds: number): string {
  const secure = new URL(c.req.url).protocol === 'https:' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${secure}`;
}
