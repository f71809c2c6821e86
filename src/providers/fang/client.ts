import type { Listing, SearchQuery } from '../../domain/listing.js';
import { hasMoreAfter, ProviderBase, type ProviderBaseOptions } from '../base.js';
import type { ListingProvider, ListingRef, SearchPage, SearchSupport } from '../provider.js';
import { DEFAULT_FANG_FLAVOUR, FANG_FLAVOUR_TABLE, type FangFlavour } from './flavours.js';
import { type FangJudges, fangJudges } from './judge.js';
import { normaliseHouse } from './normaliser.js';
import { fangSearchSupport, searchParams } from './params.js';
import { FANG_RULES } from './rules.js';
import { signParams } from './sign.js';

export interface FangProviderOptions extends ProviderBaseOptions {
  key: string;
  secret: string;
  /** Houses per search page; Fang allows 50 at most. */
  searchPageSize?: number;
  /** Which contract to speak (flavours.ts); default DEFAULT_FANG_FLAVOUR. */
  flavour?: FangFlavour;
}

export class FangProvider extends ProviderBase implements ListingProvider {
  override readonly name = 'FANG' as const;
  readonly rules = FANG_RULES;
  readonly searchPageSize: number;

  private readonly key: string;
  private readonly secret: string;
  private readonly flavour: FangFlavour;
  private readonly judges: FangJudges;

  constructor(options: FangProviderOptions) {
    super('FANG', options);
    const most = FANG_RULES.searchPageSize;
    const pageSize = options.searchPageSize ?? most;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > most) {
      throw new RangeError(`searchPageSize must be an integer from 1 to ${most}`);
    }
    this.searchPageSize = pageSize;
    this.key = options.key;
    this.secret = options.secret;
    this.flavour = options.flavour ?? FANG_FLAVOUR_TABLE[DEFAULT_FANG_FLAVOUR];
    this.judges = fangJudges(this.flavour);
  }

  searchSupport(query: SearchQuery): SearchSupport {
    return fangSearchSupport(query);
  }

  async search(query: SearchQuery, page: number): Promise<SearchPage> {
    const params = searchParams(query, page + 1, this.searchPageSize, this.flavour.pageParam);
    const raw = await this.transport.request(
      { endpoint: 'search', path: this.flavour.paths.search, query: this.signed('item_search', params) },
      this.judges.search,
    );
    const now = this.now();
    const listings = this.decoding('search', undefined, (report) =>
      raw.houses.flatMap((house) => {
        const listing = normaliseHouse(house, {
          report,
          isDetail: false,
          now,
          fallbackCityId: query.cityId,
          fallbackListingType: query.listingType,
        });
        return listing ? [listing] : [];
      }),
    );
    const hasMore = hasMoreAfter({
      more: raw.hasNext,
      total: raw.total,
      seen: (page + 1) * this.searchPageSize,
      itemCount: raw.houses.length,
      pageSize: this.searchPageSize,
    });
    return { listings, total: raw.total, hasMore };
  }

  async getListing(ref: ListingRef): Promise<Listing | null> {
    const raw = await this.transport.request(
      {
        endpoint: 'detail',
        path: this.flavour.paths.detail,
        query: this.signed('item_get', { [this.flavour.detailIdParam]: ref.sourceId }),
        id: ref.sourceId,
      },
      this.judges.item,
    );
    if (raw === null) return null;
    return this.decoding('detail', ref.sourceId, (report) =>
      normaliseHouse(raw, {
        report,
        isDetail: true,
        now: this.now(),
        fallbackCityId: ref.cityId,
        fallbackListingType: null,
      }),
    );
  }

  /**
   * Public params + business params + credentials: with md5 signing the secret only ever enters
   * the hash; with plain signing (onebound) it is a parameter, scrubbed like the key by the transport.
   */
  private signed(api: 'item_search' | 'item_get', params: Record<string, string>): Record<string, string> {
    const all = { ...params, ...this.flavour.publicParams(api), key: this.key };
    return this.flavour.signing === 'md5' ? signParams(all, this.secret) : { ...all, secret: this.secret };
  }
}
