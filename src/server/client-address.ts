import { BlockList, isIP } from 'node:net';

/**
 * Who the client is when the gateway sits behind reverse proxies (`TRUST_PROXY`). Only a trusted
 * peer's `X-Forwarded-For` is read, right to left: each trusted proxy appended the address it saw,
 * so the right-most address that is not a trusted proxy is the client. Everything left of it was
 * written by the client and could be anything, so it is never used.
 */

/** Longer than any honest chain of proxies; beyond it the header is not parsed. */
export const MAX_FORWARDED_LENGTH = 1_024;
export const MAX_FORWARDED_HOPS = 16;

export interface TrustedProxies {
  /** As configured, for diagnostics; empty: nobody is trusted. */
  readonly entries: readonly string[];
  has(address: string): boolean;
}

/**
 * `TRUST_PROXY`: addresses and CIDR blocks, IPv4 or IPv6, separated by commas (such as
 * `127.0.0.1,10.0.0.0/8,::1`). Throws naming the offending entry.
 */
export function parseTrustedProxies(text: string | undefined): TrustedProxies {
  const entries = (text ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  // BlockList (node:net) does the address and subnet matching, IPv4-mapped IPv6 included.
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = address.includes('%') ? 0 : isIP(address);
    const bits = family === 4 ? 32 : 128;
    if (family === 0 || rest.length > 0 || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) {
      throw new Error(`entry ${entry} is not an IP address or CIDR block such as 10.0.0.0/8`);
    }
    if (prefix !== undefined && Number(prefix) > bits) {
      throw new Error(`entry ${entry}: the prefix must be at most ${bits}`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return {
    entries,
    has: (address) => {
      const family = isIP(address);
      return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/**
 * The client's address: the socket peer, unless that peer is a trusted proxy; then the right-most
 * `X-Forwarded-For` entry that is not trusted (or the left-most, if all are). A header that is too
 * long, has too many hops or a malformed entry on the way gives the socket peer: the caller then
 * shares the proxy's identity and cannot choose one of its own.
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | null | undefined,
  trusted: TrustedProxies,
): string {
  const peer = socketAddress ? unmapped(socketAddress) : 'unknown';
  if (!forwardedFor || !trusted.has(peer) || forwardedFor.length > MAX_FORWARDED_LENGTH) return peer;
  const hops = forwardedFor.split(',');
  if (hops.length > MAX_FORWARDED_HOPS) return peer;
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]?.trim() ?? '';
    if (isIP(hop) === 0 || hop.includes('%')) return peer;
    client = unmapped(hop);
    if (!trusted.has(client)) return client;
  }
  return client;
}

/** `::ffff:203.0.113.7` (a dual-stack socket's view of an IPv4 peer) is the IPv4 client 203.0.113.7. */
function unmapped(address: string): string {
  const v4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)?.[1];
  return v4 !== undefined && isIP(v4) === 4 ? v4 : address;
}
