import { createHash } from 'node:crypto';

/**
 * Fang's request signature: every non-empty parameter except `sign`, sorted by name in ASCII
 * order, concatenated as name1value1name2value2…, the secret appended, MD5, lower-case hex.
 *
 * The values are signed RAW: the server checks the signature over what it reads after one URL
 * decoding, and the transport encodes each value exactly once.
 */
export function fangSignature(params: Readonly<Record<string, string>>, secret: string): string {
  const names = Object.keys(params)
    .filter((name) => name !== 'sign' && params[name] !== '')
    // Code-unit order, not localeCompare: the server sorts by ASCII.
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const base = names.map((name) => `${name}${params[name]}`).join('') + secret;
  return createHash('md5').update(base, 'utf8').digest('hex');
}

/** The params without empty values, plus their `sign`. The secret itself is never a parameter. */
export function signParams(params: Readonly<Record<string, string>>, secret: string): Record<string, string> {
  const sent: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (name !== 'sign' && value !== '') sent[name] = value;
  }
  sent.sign = fangSignature(sent, secret);
  return sent;
}
