import { SEARCH_SORTS } from '../../domain/listing.js';
import { CARD_FIELDS, type ProviderRules } from '../provider.js';
import { BEIKE_LISTING_TYPES, BEIKE_PAGE_SIZE, BEIKE_REACHABLE_RESULTS } from './params.js';

export const BEIKE_RULES: ProviderRules = {
  name: 'BEIKE',
  // The detail endpoint takes the city with the houseCode.
  cityScopedKeys: true,
  /** What a get-ershoufang-list item carries reliably: the card alone; the rest needs the detail endpoint. */
  stubFields: new Set(CARD_FIELDS),
  searchPageSize: BEIKE_PAGE_SIZE,
  listingTypes: BEIKE_LISTING_TYPES,
  sorts: new Set(SEARCH_SORTS),
  communities: { pageSize: BEIKE_PAGE_SIZE },
  reachableResults: BEIKE_REACHABLE_RESULTS,
};
