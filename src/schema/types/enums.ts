import {
  type AMENITIES,
  type DECORATIONS,
  type FLOOR_LEVELS,
  type LISTING_TYPES,
  ORIENTATIONS,
  PROVIDERS,
  type SEARCH_SORTS,
} from '../../domain/listing.js';
import { builder } from '../builder.js';

export const ProviderEnum = builder.enumType('Provider', {
  description: 'Where a listing comes from.',
  values: Object.fromEntries(
    PROVIDERS.map((p) => [
      p,
      { description: p === 'BEIKE' ? 'Beike (贝壳 / Lianjia), through Just One API.' : 'Fang.com (房天下).' },
    ]),
  ) as Record<(typeof PROVIDERS)[number], { description: string }>,
});

export const ListingTypeEnum = builder.enumType('ListingType', {
  description: 'What is offered.',
  values: {
    RESALE: { description: 'A second-hand home for sale (二手房).' },
    NEW_HOME: { description: 'A new home from a developer (新房).' },
    RENTAL: { description: 'A home to rent (租房); priced per month.' },
    COMMERCIAL: { description: 'Commercial property (商业地产).' },
  } satisfies Record<(typeof LISTING_TYPES)[number], { description: string }>,
});

export const DecorationEnum = builder.enumType('Decoration', {
  description: 'State of the interior.',
  values: {
    FULL: { description: 'Fully decorated (精装).' },
    SIMPLE: { description: 'Simply decorated (简装).' },
    ROUGH: { description: 'Bare shell (毛坯).' },
  } satisfies Record<(typeof DECORATIONS)[number], { description: string }>,
});

export const OrientationEnum = builder.enumType('Orientation', {
  description: 'A compass direction the main rooms face.',
  values: ORIENTATIONS,
});

export const FloorLevelEnum = builder.enumType('FloorLevel', {
  description: 'Where in the building the home is, as the providers classify it.',
  values: {
    BASEMENT: { description: 'Below ground (地下).' },
    BOTTOM: { description: 'Ground floor (底层).' },
    LOW: { description: 'Lower third (低楼层).' },
    MIDDLE: { description: 'Middle third (中楼层).' },
    HIGH: { description: 'Upper third (高楼层).' },
    TOP: { description: 'Top floor (顶层).' },
  } satisfies Record<(typeof FLOOR_LEVELS)[number], { description: string }>,
});

export const AmenityEnum = builder.enumType('Amenity', {
  description: 'Something near the home.',
  values: {
    METRO: { description: 'Near a metro station (地铁房).' },
    SCHOOL: { description: 'In a school catchment (学区房).' },
    HOSPITAL: { description: 'Near a hospital (近医院).' },
  } satisfies Record<(typeof AMENITIES)[number], { description: string }>,
});

export const SearchSortEnum = builder.enumType('SearchSort', {
  description: 'Order of search results. Listings whose sort value is unknown come last.',
  values: {
    RELEVANCE: { description: "Each provider's own order, interleaved fairly." },
    NEWEST: { description: 'Most recently listed first.' },
    PRICE_ASC: { description: 'Total price (monthly rent for rentals), lowest first.' },
    PRICE_DESC: { description: 'Total price (monthly rent for rentals), highest first.' },
    UNIT_PRICE_ASC: { description: 'Price per m², lowest first.' },
    UNIT_PRICE_DESC: { description: 'Price per m², highest first.' },
    AREA_ASC: { description: 'Floor area, smallest first.' },
    AREA_DESC: { description: 'Floor area, largest first.' },
  } satisfies Record<(typeof SEARCH_SORTS)[number], { description: string }>,
});

export const ModeEnum = builder.enumType('Mode', {
  description: 'Which upstreams this server talks to.',
  values: {
    SANDBOX: { description: 'Simulated providers with generated data: nothing here is a real listing.' },
    LIVE: { description: 'The real providers.' },
  },
});
