import type { ListingKey, ProviderName } from '../domain/listing.js';
import { BEIKE_RULES } from './beike/rules.js';
import { FANG_RULES } from './fang/rules.js';
import type { ListingProvider, ProviderRules } from './provider.js';

/**
 * Every provider's declared rules, by name, for the places that know a provider only by its name
 * (a listing id, a cache key), whether or not it is configured here.
 */
export const PROVIDER_RULES: Readonly<Record<ProviderName, ProviderRules>> = {
  BEIKE: BEIKE_RULES,
  FANG: FANG_RULES,
};

/** The fields that name a listing: every stub has them, whatever the provider declares. */
const IDENTITY: ReadonlySet<string> = new Set(['provider', 'sourceId', 'fetchedAt']);

/** Whether a search stub of this provider carries `field` (a Listing field name) reliably. */
export function stubCarries(rules: ProviderRules, field: string): boolean {
  return IDENTITY.has(field) || (rules.stubFields as ReadonlySet<string>).has(field);
}

/** The key's city, where the provider's keys include it; null where they do not. */
export function keyCity(key: ListingKey): string | null {
  return PROVIDER_RULES[key.provider].cityScopedKeys ? (key.cityId ?? '') : null;
}

/** The configured provider that lists communities, if any. */
export function communityProvider(providers: Iterable<ListingProvider>): ListingProvider | undefined {
  for (const provider of providers)
    if (provider.rules.communities && provider.searchCommunities) return provider;
  return undefined;
}
