/**
 * The provider-agnostic listing model. Every adapter normalises into these types, in these units:
 * money in yuan, unit prices in yuan/m², areas in m², dates as ISO-8601 strings.
 */

export const PROVIDERS = ['BEIKE', 'FANG'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export const LISTING_TYPES = ['RESALE', 'NEW_HOME', 'RENTAL', 'COMMERCIAL'] as const;
export type ListingType = (typeof LISTING_TYPES)[number];

export const DECORATIONS = ['FULL', 'SIMPLE', 'ROUGH'] as const;
export type Decoration = (typeof DECORATIONS)[number];

export const ORIENTATIONS = [
  'NORTH',
  'NORTHEAST',
  'EAST',
  'SOUTHEAST',
  'SOUTH',
  'SOUTHWEST',
  'WEST',
  'NORTHWEST',
] as const;
export type Orientation = (typeof ORIENTATIONS)[number];

export const FLOOR_LEVELS = ['BASEMENT', 'BOTTOM', 'LOW', 'MIDDLE', 'HIGH', 'TOP'] as const;
export type FloorLevel = (typeof FLOOR_LEVELS)[number];

export const AMENITIES = ['METRO', 'SCHOOL', 'HOSPITAL'] as const;
export type Amenity = (typeof AMENITIES)[number];

export const SEARCH_SORTS = [
  'RELEVANCE',
  'NEWEST',
  'PRICE_ASC',
  'PRICE_DESC',
  'UNIT_PRICE_ASC',
  'UNIT_PRICE_DESC',
  'AREA_ASC',
  'AREA_DESC',
] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

export interface Layout {
  bedrooms: number | null;
  livingRooms: number | null;
  bathrooms: number | null;
  /** The provider's own wording, e.g. "1室1厅". */
  text: string | null;
}

export interface Floor {
  /** The provider's own wording, e.g. "顶层(共4层)". */
  text: string | null;
  level: FloorLevel | null;
  total: number | null;
}

export interface Photo {
  url: string;
  caption: string | null;
  isFloorPlan: boolean;
}

export interface GeoPoint {
  latitude: number;
  longitude: number;
}

/** A community (小区 / 楼盘) as a listing refers to it. */
export interface CommunityRef {
  /** The provider's community id; Fang gives none, so it is null there. */
  sourceId: string | null;
  name: string;
  /** The provider's wording of the district (顺义区, 顺义). */
  district: string | null;
  /** GB/T 2260 code of that district; null when the wording names none (counted as drift, never guessed). */
  districtId?: string | null;
  subdistrict: string | null;
  /** yuan/m², where the provider says. */
  averageUnitPrice: number | null;
}

export interface Credential {
  name: string;
  /** Licence or certificate number, where one is shown. */
  number: string | null;
  imageUrl: string | null;
}

export interface Agent {
  provider: ProviderName;
  sourceId: string;
  name: string;
  /** e.g. 房源维护人 */
  title: string | null;
  phone: string | null;
  company: string | null;
  credentials: Credential[];
}

/** Fields a listing can carry. A search stub carries a provider-specific subset of them. */
export interface ListingData {
  cityId: string | null;
  listingType: ListingType;
  title: string;
  url: string | null;
  /** yuan; null for rentals. */
  totalPrice: number | null;
  /** yuan/m². */
  unitPrice: number | null;
  /** yuan per month; rentals only. */
  monthlyRent: number | null;
  /** m². */
  area: number | null;
  layout: Layout | null;
  floor: Floor | null;
  orientations: Orientation[];
  decoration: Decoration | null;
  hasElevator: boolean | null;
  builtYear: number | null;
  /** ISO-8601 date (YYYY-MM-DD). */
  listedAt: string | null;
  tags: string[];
  amenities: Amenity[];
  photos: Photo[];
  community: CommunityRef | null;
  agent: Agent | null;
  /** yuan. */
  downPayment: number | null;
  /** yuan per month. */
  monthlyPayment: number | null;
  address: string | null;
  location: GeoPoint | null;
  description: string | null;
  /** false when the provider marks the listing withdrawn, sold or let. */
  isActive: boolean | null;
}

export type ListingField = keyof ListingData;

/** What names one listing: its provider, its id there and, where the provider's ids need it, its city. */
export interface ListingKey {
  provider: ProviderName;
  sourceId: string;
  cityId: string | null;
}

export interface Listing extends ListingData {
  provider: ProviderName;
  sourceId: string;
  /** true when this came from a detail endpoint, false for a search-result stub. */
  isDetail: boolean;
  /** ISO-8601 date-time at which the data was read from the provider. */
  fetchedAt: string;
}

/** The few facts a stored sighting keeps, as a listing: what it does not say is null or empty. */
export interface RecordedFacts {
  provider: ProviderName;
  sourceId: string;
  cityId: string | null;
  listingType: ListingType;
  communityId: string | null;
  communityName: string | null;
  district: string | null;
  totalPrice: number | null;
  unitPrice: number | null;
  monthlyRent: number | null;
  area: number | null;
  bedrooms: number | null;
  livingRooms: number | null;
  floor: Floor | null;
}

export function listingFromFacts(
  facts: RecordedFacts,
  over: Partial<Pick<Listing, 'title' | 'fetchedAt' | 'isActive'>> = {},
): Listing {
  return {
    provider: facts.provider,
    sourceId: facts.sourceId,
    isDetail: true,
    fetchedAt: '',
    cityId: facts.cityId,
    listingType: facts.listingType,
    title: '',
    url: null,
    totalPrice: facts.totalPrice,
    unitPrice: facts.unitPrice,
    monthlyRent: facts.monthlyRent,
    area: facts.area,
    layout:
      facts.bedrooms === null
        ? null
        : { bedrooms: facts.bedrooms, livingRooms: facts.livingRooms, bathrooms: null, text: null },
    floor: facts.floor,
    orientations: [],
    decoration: null,
    hasElevator: null,
    builtYear: null,
    listedAt: null,
    tags: [],
    amenities: [],
    photos: [],
    community: facts.communityName
      ? {
          sourceId: facts.communityId,
          name: facts.communityName,
          district: facts.district,
          subdistrict: null,
          averageUnitPrice: null,
        }
      : null,
    agent: null,
    downPayment: null,
    monthlyPayment: null,
    address: null,
    location: null,
    description: null,
    isActive: null,
    ...over,
  };
}

/** A community from a community list endpoint. */
export interface Community {
  provider: ProviderName;
  sourceId: string;
  cityId: string;
  name: string;
  /** The provider's wording of the district. */
  district: string | null;
  /** GB/T 2260 code of that district; null when the wording names none. */
  districtId?: string | null;
  subdistrict: string | null;
  /** yuan/m². */
  averageUnitPrice: number | null;
  /** yuan/m², resale listings only. */
  resaleAverageUnitPrice: number | null;
  resaleListingCount: number | null;
  buildingType: string | null;
  builtYear: number | null;
  location: GeoPoint | null;
  coverUrl: string | null;
  fetchedAt: string;
}

/** A provider-neutral search, in the model's units (yuan, m²). */
export interface SearchQuery {
  cityId: string;
  keyword: string | null;
  listingType: ListingType;
  /** Any of these bedroom counts. */
  bedrooms: number[];
  /** yuan: total price, or monthly rent for RENTAL. */
  priceMin: number | null;
  priceMax: number | null;
  /** m². */
  areaMin: number | null;
  areaMax: number | null;
  decoration: Decoration | null;
  amenities: Amenity[];
  /** GB/T 2260 district codes (any of them), sorted; empty: the whole city. */
  districtIds: string[];
  sort: SearchSort;
}

/** A resale search of a city with no filter, in the model's units; override what varies. */
export function unfilteredSearch(cityId: string, over: Partial<SearchQuery> = {}): SearchQuery {
  return {
    cityId,
    keyword: null,
    listingType: 'RESALE',
    bedrooms: [],
    priceMin: null,
    priceMax: null,
    areaMin: null,
    areaMax: null,
    decoration: null,
    amenities: [],
    districtIds: [],
    sort: 'RELEVANCE',
    ...over,
  };
}
