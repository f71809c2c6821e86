import type { ProviderName } from '../../domain/listing.js';
import { builder } from '../builder.js';
import { encodeGlobalId } from '../ids.js';
import { ProviderEnum } from './enums.js';
import { GeoPointType } from './geo-point.js';

/** A community as a listing names it, or as a community list describes it (more fields known). */
export interface CommunityShape {
  provider: ProviderName;
  sourceId: string | null;
  cityId: string | null;
  name: string;
  district: string | null;
  subdistrict: string | null;
  averageUnitPrice: number | null;
  resaleAverageUnitPrice?: number | null;
  resaleListingCount?: number | null;
  buildingType?: string | null;
  builtYear?: number | null;
  location?: { latitude: number; longitude: number } | null;
  coverUrl?: string | null;
}

export const CommunityType = builder.objectRef<CommunityShape>('Community').implement({
  description: 'A residential community (小区 / 楼盘).',
  fields: (t) => ({
    id: t.id({
      nullable: true,
      description: 'Opaque, stable id; null when the provider gives the community no id (Fang).',
      resolve: (c) => (c.sourceId ? encodeGlobalId('Community', `${c.provider}:${c.sourceId}`) : null),
    }),
    provider: t.expose('provider', { type: ProviderEnum, description: 'Where the community is described.' }),
    sourceId: t.exposeString('sourceId', { nullable: true, description: "The provider's community id." }),
    cityId: t.exposeString('cityId', { nullable: true, description: 'GB/T 2260 city code.' }),
    name: t.exposeString('name', { description: 'Name, e.g. 双裕花园西区.' }),
    district: t.exposeString('district', { nullable: true, description: 'District (区), e.g. 顺义区.' }),
    subdistrict: t.exposeString('subdistrict', {
      nullable: true,
      description: 'Area within the district (板块), e.g. 后沙峪.',
    }),
    averageUnitPrice: t.exposeFloat('averageUnitPrice', {
      nullable: true,
      description: 'Average price, yuan per m², where the provider says.',
    }),
    resaleAverageUnitPrice: t.float({
      nullable: true,
      description: 'Average asking price of resale listings, yuan per m².',
      resolve: (c) => c.resaleAverageUnitPrice ?? null,
    }),
    resaleListingCount: t.int({
      nullable: true,
      description: 'Resale listings on offer.',
      resolve: (c) => c.resaleListingCount ?? null,
    }),
    buildingType: t.string({
      nullable: true,
      description: 'Building type, e.g. 板楼.',
      resolve: (c) => c.buildingType ?? null,
    }),
    builtYear: t.int({ nullable: true, description: 'Year completed.', resolve: (c) => c.builtYear ?? null }),
    location: t.field({
      type: GeoPointType,
      nullable: true,
      description: 'Position.',
      resolve: (c) => c.location ?? null,
    }),
    coverUrl: t.string({
      nullable: true,
      description: 'Cover picture URL.',
      resolve: (c) => c.coverUrl ?? null,
    }),
  }),
});
