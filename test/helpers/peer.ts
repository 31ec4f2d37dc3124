/**
 * In-process requests from a chosen socket peer: `app.request()` has no socket, so the request gets the
 * Node bindings @hono/node-server would pass (`incoming.socket`, and `incoming.headers` with lower-case
 * names), which is where the app reads the peer and, on the hot path, headers. Responses are checked
 * against the contract like every helper's.
 */
import type { TestApp } from './app.ts';
import { assertResponseMatchesContract } from './contract.ts';

export function peerEnv(address: string, headers: RequestInit['headers'] = {}) {
  const socket = { remoteAddress: address, remotePort: 40_000, remoteFamily: address.includes(':') ? 'IPv6' : 'IPv4' };
  return { incoming: { socket, headers: Object.fromEntries(new Headers(headers)) } };
}

export async function requestFrom(t: TestApp, address: string, path: string, init: RequestInit = {}): Promise<Response> {
  const res = await t.app.request(path, init, peerEnv(address, init.headers));
  await assertResponseMatchesContract(init.method ?? 'GET', path, res);
  return res;
}
