import { CARD_FIELDS, type ProviderRules } from '../provider.js';
import { FANG_LISTING_TYPES, FANG_MAX_PAGE_SIZE, FANG_SORTS } from './params.js';

export const FANG_RULES: ProviderRules = {
  name: 'FANG',
  // house_id is unique across cities; item_get takes nothing else.
  cityScopedKeys: false,
  /** What an item_search entry carries reliably (item_get adds floor, photos, agent, …). */
  stubFields: new Set([...CARD_FIELDS, 'decoration', 'amenities', 'listedAt', 'community', 'isActive']),
  searchPageSize: FANG_MAX_PAGE_SIZE,
  listingTypes: FANG_LISTING_TYPES,
  sorts: FANG_SORTS,
  communities: null,
  reachableResults: null,
};
