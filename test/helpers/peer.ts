/**
 * In-process requests from a chosen socket peer: `app.request()` has no socket, so the request gets the
 * Node bindings @hono/node-server would pass (`incoming.socket`), which is where the app reads the peer.
 * Responses are checked against the contract like every helper's.
 */
import type { TestApp } from './app.ts';
import { assertResponseMatchesContract } from './contract.ts';

export function peerEnv(address: string) {
  return { incoming: { socket: { remoteAddress: address, remotePort: 40_000, remoteFamily: address.includes(':') ? 'IPv6' : 'IPv4' } } };
}

export async function requestFrom(t: TestApp, address: string, path: string, init: RequestInit = {}): Promise<Response> {
  const res = await t.app.request(path, init, peerEnv(address));
  await assertResponseMatchesContract(init.method ?? 'GET', path, res);
  return res;
}
