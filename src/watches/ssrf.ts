import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Agent } from 'undici';

/**
 * Webhooks go only to the public internet: an https URL whose host resolves to public addresses,
 * checked on the address the socket actually connects to (a name that resolves to a public
 * address when the URL is saved and to 127.0.0.1 later gets nowhere). Redirects are never
 * followed: the dispatcher makes one request and the caller reads its status.
 */

const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** Whether an IP address is on the public internet (IPv4-mapped IPv6 is judged as its IPv4). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (mapped) return isPublicAddress(mapped);
    // ::ffff:7f00:1 and the like: the hex form of a mapped IPv4 address.
    if (/^::ffff:/i.test(address)) return false;
    return !NOT_PUBLIC.check(address, 'ipv6');
  }
  return !NOT_PUBLIC.check(address, 'ipv4');
}

export class WebhookUrlError extends Error {
  override readonly name = 'WebhookUrlError';
}

/**
 * What can be said of a webhook URL before any connection: a URL, https (http too when private
 * targets are allowed), no credentials in it, and not an IP literal off the public internet.
 */
export function checkWebhookUrl(text: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WebhookUrlError('is not a URL');
  }
  if (text.length > 2_048) throw new WebhookUrlError('must be at most 2048 characters');
  const schemes = allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) throw new WebhookUrlError('must be an https URL');
  if (url.username || url.password) throw new WebhookUrlError('must not carry a user name or password');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost'))) {
    throw new WebhookUrlError('must not point to a private or loopback address');
  }
  if (!allowPrivate && isIP(host) !== 0 && !isPublicAddress(host)) {
    throw new WebhookUrlError('must not point to a private or loopback address');
  }
  return url;
}

/** A DNS lookup that fails for names resolving to any address off the public internet. */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 4);
    const list = addresses as unknown as LookupAddress[];
    const refused = list.find((a) => !isPublicAddress(a.address));
    if (refused || list.length === 0) {
      const denied = Object.assign(new Error('webhook host resolves to a private or loopback address'), {
        code: 'EADDRNOTPUBLIC',
      });
      return callback(denied, '', 4);
    }
    if ((options as { all?: boolean }).all) return callback(null, list as never);
    const first = list[0] as LookupAddress;
    callback(null, first.address, first.family);
  });
};

/** The one dispatcher webhooks are sent through. */
export function webhookDispatcher(allowPrivate: boolean, timeoutMs: number): Agent {
  return new Agent({
    connections: 32,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: {
      timeout: timeoutMs,
      ...(allowPrivate ? {} : { lookup: publicOnlyLookup }),
    },
  });
}
