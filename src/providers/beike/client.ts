import { z } from 'zod';
import type { Community, Listing, ListingField, SearchQuery } from '../../domain/listing.js';
import type { UpstreamTransport } from '../../http/transport.js';
import type { Logger } from '../../logger.js';
import { DecodeReport, looseBoolean, looseInt } from '../decode.js';
import { UpstreamError } from '../errors.js';
import type {
  CommunityPage,
  CommunityQuery,
  ListingProvider,
  ListingRef,
  ProviderHealth,
  SearchPage,
  SearchSupport,
} from '../provider.js';
import { decodeCommunity, decodeDetail, decodeListItem, type RawPage } from './decoder.js';
import { judgeCommunityList, judgeDetail, judgeResaleList } from './judge.js';
import { normaliseCommunity, normaliseHouse } from './normaliser.js';
import {
  BEIKE_LISTING_TYPES,
  BEIKE_PAGE_SIZE,
  BEIKE_REACHABLE_RESULTS,
  beikeSearchSupport,
  communityCondition,
  resaleCondition,
} from './params.js';

export interface BeikeProviderOptions {
  /** Built by the caller with the token among the secrets it scrubs. */
  transport: UpstreamTransport;
  token: string;
  logger: Logger;
  now?: () => Date;
}

const DETAIL_PATH = '/api/beike/ershoufang/detail/v1';
const RESALE_LIST_PATH = '/api/beike/get-ershoufang-list/v1';
const COMMUNITY_LIST_PATH = '/api/beike/community/list/v1';

/** What a get-ershoufang-list item carries reliably; the rest needs the detail endpoint. */
const STUB_FIELDS: ReadonlySet<ListingField> = new Set<ListingField>([
  'cityId',
  'listingType',
  'title',
  'url',
  'totalPrice',
  'unitPrice',
  'monthlyRent',
  'area',
  'layout',
  'tags',
]);

export class BeikeProvider implements ListingProvider {
  readonly name = 'BEIKE' as const;
  readonly searchPageSize = BEIKE_PAGE_SIZE;
  readonly reachableResults = BEIKE_REACHABLE_RESULTS;
  readonly communityPageSize = BEIKE_PAGE_SIZE;
  readonly stubFields = STUB_FIELDS;
  readonly listingTypes = BEIKE_LISTING_TYPES;
  readonly detailNeedsCity = true;

  private readonly transport: UpstreamTransport;
  private readonly token: string;
  private readonly logger: Logger;
  private readonly now: () => Date;

  constructor(options: BeikeProviderOptions) {
    this.transport = options.transport;
    this.token = options.token;
    this.logger = options.logger.child({ provider: 'BEIKE' });
    this.now = options.now ?? (() => new Date());
  }

  searchSupport(query: SearchQuery): SearchSupport {
    return beikeSearchSupport(query);
  }

  async search(query: SearchQuery, page: number, signal?: AbortSignal): Promise<SearchPage> {
    // Past the reach a call would be paid for and answer nothing.
    if (page * BEIKE_PAGE_SIZE >= BEIKE_REACHABLE_RESULTS)
      return { listings: [], total: null, hasMore: false };
    const raw = await this.transport.request(
      {
        endpoint: 'search',
        path: RESALE_LIST_PATH,
        query: this.withToken({
          cityId: query.cityId,
          condition: resaleCondition(query),
          offset: String(page * BEIKE_PAGE_SIZE),
        }),
      },
      judgeResaleList,
      signal,
    );
    const report = new DecodeReport('BEIKE', 'search');
    const now = this.now();
    const listings: Listing[] = [];
    for (const item of raw.items) {
      const house = decodeListItem(item, report);
      if (house) {
        listings.push(normaliseHouse(house, { report, isDetail: false, now, fallbackCityId: query.cityId }));
      }
    }
    const paging = this.paging(raw, raw.items.length, page, report, 'has_more_data', 'total_count');
    report.flush(this.logger);
    const reachable = (page + 1) * BEIKE_PAGE_SIZE < BEIKE_REACHABLE_RESULTS;
    return { listings, ...paging, hasMore: paging.hasMore && reachable };
  }

  async getListing(ref: ListingRef, signal?: AbortSignal): Promise<Listing | null> {
    if (ref.cityId === null) throw new Error('Beike needs the city of a listing to fetch its detail');
    const data = await this.transport.request(
      {
        endpoint: 'detail',
        path: DETAIL_PATH,
        query: this.withToken({ cityId: ref.cityId, houseCode: ref.sourceId }),
        id: ref.sourceId,
      },
      judgeDetail,
      signal,
    );
    if (data === null) return null;
    const report = new DecodeReport('BEIKE', 'detail', ref.sourceId);
    const house = decodeDetail(data, report);
    const listing =
      house && normaliseHouse(house, { report, isDetail: true, now: this.now(), fallbackCityId: ref.cityId });
    report.flush(this.logger);
    // Unreachable while the judge checks the id; "not found" (null) would be the wrong answer here.
    if (!listing) {
      throw new UpstreamError('UPSTREAM_BAD_RESPONSE', 'Beike detail has no usable basicInfo', {
        provider: 'BEIKE',
        retryable: false,
      });
    }
    return listing;
  }

  async searchCommunities(query: CommunityQuery, page: number, signal?: AbortSignal): Promise<CommunityPage> {
    const raw = await this.transport.request(
      {
        endpoint: 'communities',
        path: COMMUNITY_LIST_PATH,
        query: this.withToken({
          cityId: query.cityId,
          condition: communityCondition(query.keyword),
          limitOffset: String(page * BEIKE_PAGE_SIZE),
        }),
      },
      judgeCommunityList,
      signal,
    );
    const report = new DecodeReport('BEIKE', 'communities');
    const now = this.now();
    const communities: Community[] = [];
    for (const item of raw.items) {
      const community = decodeCommunity(item, report);
      if (community) communities.push(normaliseCommunity(community, query.cityId, now));
    }
    const paging = this.paging(raw, raw.items.length, page, report, 'has_more_data', 'total_count');
    report.flush(this.logger);
    return { communities, ...paging };
  }

  health(): ProviderHealth {
    return { circuit: this.transport.circuitState, budgetRemaining: this.transport.budgetRemaining };
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  private withToken(params: Record<string, string>): Record<string, string> {
    return { ...params, token: this.token };
  }

  /** Beike's own "more" flag wins; else the total; else a full page suggests more. */
  private paging(
    raw: RawPage,
    itemCount: number,
    page: number,
    report: DecodeReport,
    moreField: string,
    totalField: string,
  ): { total: number | null; hasMore: boolean } {
    const total = report.field(totalField, looseInt.pipe(z.number().nonnegative()), raw.total);
    const more = report.field(moreField, looseBoolean, raw.hasMore);
    const seen = page * BEIKE_PAGE_SIZE + itemCount;
    return {
      total,
      hasMore: more ?? (total !== null ? seen < total : itemCount >= BEIKE_PAGE_SIZE),
    };
  }
}
