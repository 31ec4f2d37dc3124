/**
 * The client's IP address: the socket peer, or — when the peer is a trusted proxy — the right-most
 * X-Forwarded-For entry that is not itself a trusted proxy (entries left of it are whatever the client
 * chose to send). Addresses are validated with node:net and parsed and matched with ipaddr.js.
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Canonical text of an address (IPv4-mapped IPv6 becomes IPv4, IPv6 is compressed); null when it is not one. */
export function normalizeIp(raw: string): string | null {
  const family = isIP(raw);
  if (family === 4) return raw;
  if (family !== 6) return null;
  const address = ipaddr.IPv6.parse(raw);
  return address.isIPv4MappedAddress() ? address.toIPv4Address().toString() : address.toString();
}

/** Entries of a proxy list that are neither an IP address nor a CIDR range (for config validation). */
export function invalidNetworks(list: readonly string[]): string[] {
  return list.filter((entry) => isIP(entry) === 0 && !isCidr(entry));
}

function isCidr(entry: string): boolean {
  const slash = entry.indexOf('/');
  return slash > 0 && isIP(entry.slice(0, slash)) !== 0 && ipaddr.isValidCIDR(entry);
}

/** The configured trusted proxies: single addresses and CIDR ranges, IPv4 and IPv6. */
export class TrustedProxies {
  private readonly ranges: [Address, number][];

  constructor(list: readonly string[]) {
    const bad = invalidNetworks(list);
    if (bad.length > 0) throw new Error(`not an IP address or CIDR range: ${bad.join(', ')}`);
    this.ranges = list.map((entry) => {
      if (entry.includes('/')) return normalizeRange(ipaddr.parseCIDR(entry));
      const address = ipaddr.process(entry);
      return [address, address.kind() === 'ipv4' ? 32 : 128];
    });
  }

  get empty(): boolean {
    return this.ranges.length === 0;
  }

  /** Whether a normalised address (see `normalizeIp`) is a trusted proxy. */
  has(ip: string): boolean {
    const address = ipaddr.parse(ip);
    for (const range of this.ranges) if (range[0].kind() === address.kind() && address.match(range)) return true;
    return false;
  }
}

/** `::ffff:10.0.0.0/104` is the IPv4 range 10.0.0.0/8: peers are normalised to IPv4, so the range must be too. */
function normalizeRange([address, bits]: [Address, number]): [Address, number] {
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return [(address as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return [address, bits];
}

/**
 * Resolves the client address from the peer and X-Forwarded-For. An untrusted (or unknown) peer is the
 * client, whatever the header says. Through trusted proxies the header is walked from the right; an entry
 * that is not a plain IP address stops the walk at the last trusted hop.
 */
export function resolveClientIp(peer: string | null | undefined, forwardedFor: string | undefined, trusted: TrustedProxies): string | null {
  const ip = peer ? normalizeIp(peer) : null;
  if (ip === null || forwardedFor === undefined || trusted.empty || !trusted.has(ip)) return ip;
  const hops = forwardedFor.split(',');
  let client = ip;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeIp(hops[i]!.trim());
    if (hop === null) break;
    client = hop;
    if (!trusted.has(hop)) break;
  }
  return client;
}

/**
 * The bucket key for a client address. An IPv6 host usually holds a whole /64 and can pick any address in
 * it, so IPv6 clients are limited per /64; IPv4 per address. No address (in-process requests): `unknown`.
 */
export function ipBucketKey(ip: string | null): string {
  if (ip === null) return 'unknown';
  if (!ip.includes(':')) return ip;
  const parts = ipaddr.IPv6.parse(ip).parts;
  return `${new ipaddr.IPv6([parts[0]!, parts[1]!, parts[2]!, parts[3]!, 0, 0, 0, 0]).toString()}/64`;
}
