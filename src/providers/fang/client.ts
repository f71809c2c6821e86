import type { Listing, ListingField, SearchQuery } from '../../domain/listing.js';
import type { UpstreamTransport } from '../../http/transport.js';
import type { Logger } from '../../logger.js';
import { DecodeReport } from '../decode.js';
import type { ListingProvider, ListingRef, ProviderHealth, SearchPage, SearchSupport } from '../provider.js';
import { DEFAULT_FANG_FLAVOUR, FANG_FLAVOUR_TABLE, type FangFlavour } from './flavours.js';
import { type FangJudges, fangJudges } from './judge.js';
import { normaliseHouse } from './normaliser.js';
import { FANG_LISTING_TYPES, FANG_MAX_PAGE_SIZE, fangSearchSupport, searchParams } from './params.js';
import { signParams } from './sign.js';

export interface FangProviderOptions {
  /** Built by the caller with both `key` and `secret` among the secrets it scrubs. */
  transport: UpstreamTransport;
  key: string;
  secret: string;
  logger: Logger;
  /** Houses per search page; Fang allows 50 at most. */
  searchPageSize?: number;
  /** Which contract to speak (flavours.ts); default DEFAULT_FANG_FLAVOUR. */
  flavour?: FangFlavour;
  now?: () => Date;
}

/** What an item_search entry carries reliably (item_get adds floor, photos, agent, …). */
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
  'decoration',
  'amenities',
  'tags',
  'listedAt',
  'community',
  'isActive',
]);

export class FangProvider implements ListingProvider {
  readonly name = 'FANG' as const;
  readonly searchPageSize: number;
  readonly stubFields = STUB_FIELDS;
  readonly listingTypes = FANG_LISTING_TYPES;
  readonly detailNeedsCity = false;

  private readonly transport: UpstreamTransport;
  private readonly key: string;
  private readonly secret: string;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly flavour: FangFlavour;
  private readonly judges: FangJudges;

  constructor(options: FangProviderOptions) {
    const pageSize = options.searchPageSize ?? FANG_MAX_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > FANG_MAX_PAGE_SIZE) {
      throw new RangeError(`searchPageSize must be an integer from 1 to ${FANG_MAX_PAGE_SIZE}`);
    }
    this.searchPageSize = pageSize;
    this.transport = options.transport;
    this.key = options.key;
    this.secret = options.secret;
    this.logger = options.logger.child({ provider: 'FANG' });
    this.now = options.now ?? (() => new Date());
    this.flavour = options.flavour ?? FANG_FLAVOUR_TABLE[DEFAULT_FANG_FLAVOUR];
    this.judges = fangJudges(this.flavour);
  }

  searchSupport(query: SearchQuery): SearchSupport {
    return fangSearchSupport(query);
  }

  async search(query: SearchQuery, page: number, signal?: AbortSignal): Promise<SearchPage> {
    const params = searchParams(query, page + 1, this.searchPageSize, this.flavour.pageParam);
    const raw = await this.transport.request(
      { endpoint: 'search', path: this.flavour.paths.search, query: this.signed('item_search', params) },
      this.judges.search,
      signal,
    );
    const report = new DecodeReport('FANG', 'search');
    const now = this.now();
    const listings: Listing[] = [];
    for (const house of raw.houses) {
      const listing = normaliseHouse(house, {
        report,
        isDetail: false,
        now,
        fallbackCityId: query.cityId,
        fallbackListingType: query.listingType,
      });
      if (listing) listings.push(listing);
    }
    report.flush(this.logger);
    const seen = (page + 1) * this.searchPageSize;
    return {
      listings,
      total: raw.total,
      hasMore:
        raw.hasNext ?? (raw.total !== null ? seen < raw.total : raw.houses.length >= this.searchPageSize),
    };
  }

  async getListing(ref: ListingRef, signal?: AbortSignal): Promise<Listing | null> {
    const raw = await this.transport.request(
      {
        endpoint: 'detail',
        path: this.flavour.paths.detail,
        query: this.signed('item_get', { [this.flavour.detailIdParam]: ref.sourceId }),
        id: ref.sourceId,
      },
      this.judges.item,
      signal,
    );
    if (raw === null) return null;
    const report = new DecodeReport('FANG', 'detail', ref.sourceId);
    const listing = normaliseHouse(raw, {
      report,
      isDetail: true,
      now: this.now(),
      fallbackCityId: ref.cityId,
      fallbackListingType: null,
    });
    report.flush(this.logger);
    return listing;
  }

  health(): ProviderHealth {
    return { circuit: this.transport.circuitState, budgetRemaining: this.transport.budgetRemaining };
  }

  close(): Promise<void> {
    return this.transport.close();
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
