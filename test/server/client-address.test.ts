import { describe, expect, it } from 'vitest';
import {
  clientAddress,
  MAX_FORWARDED_HOPS,
  MAX_FORWARDED_LENGTH,
  parseTrustedProxies,
} from '../../src/server/client-address.js';

const trusted = parseTrustedProxies('127.0.0.1, 10.0.0.0/8, ::1, fd00::/8');
const nobody = parseTrustedProxies(undefined);

describe('TRUST_PROXY parsing', () => {
  it('matches addresses and CIDR blocks, IPv4 and IPv6', () => {
    expect(trusted.entries).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8']);
    for (const a of ['127.0.0.1', '10.1.2.3', '::1', 'fd12::7', '::ffff:10.0.0.9'])
      expect(trusted.has(a)).toBe(true);
    for (const a of ['127.0.0.2', '11.0.0.1', '::2', 'fe80::1', 'not-an-address', ''])
      expect(trusted.has(a)).toBe(false);
  });

  it.each([
    ['10.0.0.0/33', /prefix must be at most 32/],
    ['::1/129', /prefix must be at most 128/],
    ['localhost', /entry localhost is not an IP address/],
    ['10.0.0.0/8/8', /is not an IP address or CIDR/],
    ['10.0.0.0/x', /is not an IP address or CIDR/],
    ['fe80::1%eth0', /is not an IP address or CIDR/],
  ])('refuses %s, naming it', (text, message) => {
    expect(() => parseTrustedProxies(text)).toThrow(message);
  });
});

describe('clientAddress', () => {
  it('is the socket peer when nobody is trusted, whatever the header says', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.7', nobody)).toBe('127.0.0.1');
    expect(clientAddress('::ffff:192.0.2.1', null, nobody)).toBe('192.0.2.1');
    expect(clientAddress(undefined, '203.0.113.7', trusted)).toBe('unknown');
  });

  it('ignores the header of a peer that is not trusted', () => {
    expect(clientAddress('192.0.2.1', '203.0.113.7', trusted)).toBe('192.0.2.1');
  });

  it('takes the right-most address that is not a trusted proxy', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.7', trusted)).toBe('203.0.113.7');
    expect(clientAddress('::ffff:127.0.0.1', '203.0.113.7, 10.0.0.2', trusted)).toBe('203.0.113.7');
    expect(clientAddress('::1', '2001:db8::5,::1', trusted)).toBe('2001:db8::5');
    // The left-most entries were written by the caller: a spoof there changes nothing.
    expect(clientAddress('127.0.0.1', '198.51.100.1, 203.0.113.7', trusted)).toBe('203.0.113.7');
    expect(clientAddress('127.0.0.1', '10.9.9.9, 203.0.113.7, 10.0.0.2', trusted)).toBe('203.0.113.7');
  });

  it('takes the left-most when every hop is trusted', () => {
    expect(clientAddress('127.0.0.1', '10.0.0.3, 10.0.0.2', trusted)).toBe('10.0.0.3');
  });

  it('falls back to the socket peer on a malformed, over-long or too deep header', () => {
    for (const header of [
      'garbage',
      '203.0.113.7:5555',
      '203.0.113.7,,',
      '[2001:db8::5]',
      ' , ',
      '203.0.113.7, 10.0.0.2, unknown',
      `${'1'.repeat(MAX_FORWARDED_LENGTH)}`,
      Array(MAX_FORWARDED_HOPS + 1)
        .fill('203.0.113.7')
        .join(','),
    ]) {
      expect(clientAddress('127.0.0.1', header, trusted)).toBe('127.0.0.1');
    }
    // Malformed text left of the client's address is the caller's own and is never read.
    expect(clientAddress('127.0.0.1', 'garbage, 203.0.113.7', trusted)).toBe('203.0.113.7');
    expect(clientAddress('127.0.0.1', Array(MAX_FORWARDED_HOPS).fill('203.0.113.7').join(','), trusted)).toBe(
      '203.0.113.7',
    );
  });
});
