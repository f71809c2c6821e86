import { z } from 'zod';
import type { Listing, SearchQuery } from '../../domain/listing.js';
import { UpstreamError } from '../../http/errors.js';
import type { Judge } from '../../http/transport.js';
import { hasMoreAfter, ProviderBase, type ProviderBaseOptions } from '../base.js';
import { type DecodeReport, looseBoolean, looseInt } from '../decode.js';
import type {
  CommunityPage,
  CommunityQuery,
  ListingProvider,
  ListingRef,
  SearchPage,
  SearchSupport,
} from '../provider.js';
import { decodeCommunity, decodeDetail, decodeListItem, type RawPage } from './decoder.js';
import { judgeCommunityList, judgeDetail, judgeResaleList } from './judge.js';
import { normaliseCommunity, normaliseHouse } from './normaliser.js';
import {
  BEIKE_PAGE_SIZE,
  BEIKE_REACHABLE_RESULTS,
  beikeSearchSupport,
  communityCondition,
  resaleCondition,
} from './params.js';
import { BEIKE_RULES } from './rules.js';

export interface BeikeProviderOptions extends ProviderBaseOptions {
  token: string;
}

/** Built once: a zod schema costs more to build than to run. */
const COUNT = looseInt.pipe(z.number().nonnegative());
const DETAIL_PATH = '/api/beike/ershoufang/detail/v1';
const RESALE_LIST_PATH = '/api/beike/get-ershoufang-list/v1';
const COMMUNITY_LIST_PATH = '/api/beike/community/list/v1';

export class BeikeProvider extends ProviderBase implements ListingProvider {
  override readonly name = 'BEIKE' as const;
  readonly rules = BEIKE_RULES;
  readonly searchPageSize = BEIKE_PAGE_SIZE;

  private readonly token: string;

  constructor(options: BeikeProviderOptions) {
    super('BEIKE', options);
    this.token = options.token;
  }

  searchSupport(query: SearchQuery): SearchSupport {
    return beikeSearchSupport(query);
  }

  async search(query: SearchQuery, page: number): Promise<SearchPage> {
    // Past the reach a call would be paid for and answer nothing.
    if (page * BEIKE_PAGE_SIZE >= BEIKE_REACHABLE_RESULTS)
      return { listings: [], total: null, hasMore: false };
    const { items: listings, ...paging } = await this.listPage(
      'search',
      RESALE_LIST_PATH,
      judgeResaleList,
      { cityId: query.cityId, condition: resaleCondition(query), offset: String(page * BEIKE_PAGE_SIZE) },
      page,
      (item, report, now) => {
        const house = decodeListItem(item, report);
        return house && normaliseHouse(house, { report, isDetail: false, now, fallbackCityId: query.cityId });
      },
    );
    const reachable = (page + 1) * BEIKE_PAGE_SIZE < BEIKE_REACHABLE_RESULTS;
    return { listings, ...paging, hasMore: paging.hasMore && reachable };
  }

  async getListing(ref: ListingRef): Promise<Listing | null> {
    if (ref.cityId === null) throw new Error('Beike needs the city of a listing to fetch its detail');
    const data = await this.transport.request(
      {
        endpoint: 'detail',
        path: DETAIL_PATH,
        query: this.withToken({ cityId: ref.cityId, houseCode: ref.sourceId }),
        id: ref.sourceId,
      },
      judgeDetail,
    );
    if (data === null) return null;
    const cityId = ref.cityId;
    const listing = this.decoding('detail', ref.sourceId, (report) => {
      const house = decodeDetail(data, report);
      return (
        house && normaliseHouse(house, { report, isDetail: true, now: this.now(), fallbackCityId: cityId })
      );
    });
    // Unreachable while the judge checks the id; "not found" (null) would be the wrong answer here.
    if (!listing) {
      throw new UpstreamError('UPSTREAM_BAD_RESPONSE', 'Beike detail has no usable basicInfo', {
        provider: 'BEIKE',
        retryable: false,
      });
    }
    return listing;
  }

  async searchCommunities(query: CommunityQuery, page: number): Promise<CommunityPage> {
    const { items: communities, ...paging } = await this.listPage(
      'communities',
      COMMUNITY_LIST_PATH,
      judgeCommunityList,
      {
        cityId: query.cityId,
        condition: communityCondition(query.keyword),
        limitOffset: String(page * BEIKE_PAGE_SIZE),
      },
      page,
      (item, report, now) => {
        const community = decodeCommunity(item, report);
        return community && normaliseCommunity(community, query.cityId, now, report);
      },
    );
    return { communities, ...paging };
  }

  /**
   * One page of a list endpoint, each item decoded and normalised (an item without a usable id is
   * skipped and reported): the two lists page alike but name their offset differently.
   */
  private async listPage<Item>(
    endpoint: 'search' | 'communities',
    path: string,
    judge: Judge<RawPage>,
    params: Record<string, string>,
    page: number,
    read: (item: unknown, report: DecodeReport, now: Date) => Item | null,
  ): Promise<{ items: Item[]; total: number | null; hasMore: boolean }> {
    const raw = await this.transport.request({ endpoint, path, query: this.withToken(params) }, judge);
    const now = this.now();
    return this.decoding(endpoint, undefined, (report) => {
      const items: Item[] = [];
      for (const item of raw.items) {
        const decoded = read(item, report, now);
        if (decoded) items.push(decoded);
      }
      return { items, ...this.paging(raw, page, report, 'has_more_data', 'total_count') };
    });
  }

  private withToken(params: Record<string, string>): Record<string, string> {
    return { ...params, token: this.token };
  }

  private paging(
    raw: RawPage,
    page: number,
    report: DecodeReport,
    moreField: string,
    totalField: string,
  ): { total: number | null; hasMore: boolean } {
    const total = report.field(totalField, COUNT, raw.total);
    const more = report.field(moreField, looseBoolean, raw.hasMore);
    const itemCount = raw.items.length;
    const seen = page * BEIKE_PAGE_SIZE + itemCount;
    return { total, hasMore: hasMoreAfter({ more, total, seen, itemCount, pageSize: BEIKE_PAGE_SIZE }) };
  }
}
