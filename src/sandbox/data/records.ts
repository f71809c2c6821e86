import type { Amenity, Decoration } from '../../domain/listing.js';

/**
 * The generated records, in plain units (yuan, yuan/m², m², ISO dates) so that tests can compute
 * expected answers without going through the wire formats. Read-only by contract: the servers
 * serialise from them and memoise the bodies.
 */

export interface BeikeAgentRecord {
  /** 16 digits. */
  agentUcid: string;
  name: string;
  /** 全国房地产经纪人协理证 number, 20 digits. */
  certCode: string;
  badgePath: string;
  licencePath: string;
}

export interface BeikeCommunityRecord {
  /** 13 digits. */
  communityId: string;
  cityId: string;
  name: string;
  /** "朝阳" and "朝阳区". */
  district: string;
  districtFull: string;
  subdistrict: string;
  buildingType: '板楼' | '塔楼' | '板塔结合';
  builtYear: number;
  /** The community's own average, yuan/m². */
  averageUnitPrice: number;
  lat: number;
  lng: number;
  coverPic: string;
}

export interface BeikeListingRecord {
  /** 12 digits. */
  houseCode: string;
  cityId: string;
  communityId: string;
  communityName: string;
  district: string;
  districtFull: string;
  subdistrict: string;
  /** "双裕花园西区 1室1厅 63.4平米" */
  title: string;
  /** yuan. */
  price: number;
  /** yuan/m², rounded up as Beike does (2350000 / 63.4 → 37067). */
  unitPrice: number;
  /** m². */
  area: number;
  bedrooms: number;
  halls: number;
  /** "低楼层", "中楼层", "高楼层", "顶层", "底层". */
  floorLevel: string;
  floorTotal: number;
  /** Beike's wording: "南", "南北", "东南"… */
  orientation: string;
  decoration: Decoration;
  hasElevator: boolean;
  buildingType: string;
  builtYear: number;
  /** YYYY-MM-DD. */
  listedAt: string;
  /** colorTags, in order: 满五年 / 满两年, 近地铁, 随时可看, VR房源, 房主自荐. */
  tags: readonly string[];
  amenities: readonly Amenity[];
  agent: BeikeAgentRecord;
  /** https://m.ke.com/{abbr}/ershoufang/{houseCode}.html */
  url: string;
  /** Down payment in 万 and monthly payment in yuan, as 首付 says. */
  downPaymentWan: number;
  monthlyPayment: number;
  /** How this listing goes over the wire, for realism. */
  wire: {
    /** Its search-list item carries numbers as strings ("63.4", "2350000"). */
    numbersAsStrings: boolean;
    /** Its detail labels end in this colon. */
    colon: ':' | '：';
  };
  /** Position in the provider's own "relevance" order (no sort token). */
  relevance: number;
}

export type FangHouseType = 'second' | 'rent' | 'new' | 'commercial';

export interface FangAgentRecord {
  agentId: string;
  name: string;
  phone: string;
  company: string;
}

export interface FangHouseRecord {
  /** "esf_3_18273645", "zf_…", "xf_…", "sp_…". */
  houseId: string;
  cityId: string;
  houseType: FangHouseType;
  buildingName: string;
  district: string;
  districtCode: string;
  districtFull: string;
  subdistrict: string;
  bedrooms: number;
  halls: number;
  /** Matched by house_style=villa. */
  villa: boolean;
  /** Sales: the wire price in 万 (may have one decimal). Null for rentals. */
  priceWan: number | null;
  /** Sales: total in yuan. Null for rentals. */
  price: number | null;
  /** Rentals: yuan per month. Null for sales. */
  monthlyRent: number | null;
  /** yuan/m², sales only. */
  unitPrice: number | null;
  /** m², may have one decimal. */
  area: number;
  decoration: Decoration;
  amenities: readonly Amenity[];
  /** "2026-10-08 09:12:00" (China time, as Fang prints it). */
  publishTime: string;
  /** hot_desc sorts on this. */
  hot: number;
  floorLevel: '低层' | '中层' | '高层';
  floorTotal: number;
  orientation: string;
  buildYear: number;
  hasElevator: boolean;
  lat: number;
  lng: number;
  photoCount: number;
  agent: FangAgentRecord;
  wire: {
    /** `support` goes as a comma string instead of an array. */
    supportAsString: boolean;
  };
}

export interface SandboxData {
  readonly seed: number;
  readonly scale: number;
  readonly beike: {
    readonly listings: readonly BeikeListingRecord[];
    readonly communities: readonly BeikeCommunityRecord[];
    readonly byHouseCode: ReadonlyMap<string, BeikeListingRecord>;
  };
  readonly fang: {
    readonly houses: readonly FangHouseRecord[];
    readonly byId: ReadonlyMap<string, FangHouseRecord>;
  };
}
