import { type ListingKey, PROVIDERS, type ProviderName } from '../domain/listing.js';
import { keyCity, PROVIDER_RULES } from '../providers/rules.js';
import { badUserInput } from './errors.js';

/**
 * Global ids are base64url("Type:local id"). A listing's local id is PROVIDER:cityId:sourceId;
 * cityId is empty for providers whose keys are not city-scoped (their declared rules say which).
 */

const SOURCE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The types `node(id:)` can read; an id of any other type is the client's error, not a crash. */
export const NODE_TYPES: ReadonlySet<string> = new Set([
  'Listing',
  'Agent',
  'Community',
  'Watch',
  'WatchEvent',
]);

export function encodeGlobalId(typename: string, localId: string | number | bigint): string {
  return Buffer.from(`${typename}:${localId}`).toString('base64url');
}

export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  const text = /^[A-Za-z0-9_-]{1,400}={0,2}$/.test(globalId)
    ? Buffer.from(globalId, 'base64url').toString('utf8')
    : '';
  const colon = text.indexOf(':');
  const typename = text.slice(0, colon);
  if (colon < 1 || !/^[A-Z][A-Za-z]*$/.test(typename)) throw badUserInput('id', 'is not a valid id');
  if (!NODE_TYPES.has(typename))
    throw badUserInput('id', `is an id of ${typename.slice(0, 40)}, which node(id:) cannot read`);
  return { typename, id: text.slice(colon + 1) };
}

export function listingLocalId(key: ListingKey): string {
  return `${key.provider}:${keyCity(key) ?? ''}:${key.sourceId}`;
}

export function parseListingLocalId(localId: string): ListingKey {
  const [provider, cityId, sourceId, ...rest] = localId.split(':');
  if (
    rest.length > 0 ||
    !PROVIDERS.includes(provider as ProviderName) ||
    !sourceId ||
    !SOURCE_ID.test(sourceId) ||
    (PROVIDER_RULES[provider as ProviderName].cityScopedKeys ? !/^\d{6}$/.test(cityId ?? '') : cityId !== '')
  ) {
    throw badUserInput('id', 'is not a valid listing id');
  }
  return { provider: provider as ProviderName, cityId: cityId || null, sourceId };
}

export function isValidSourceId(sourceId: string): boolean {
  return SOURCE_ID.test(sourceId);
}
