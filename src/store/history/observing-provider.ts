import type { ListingField, ListingType, ProviderName, SearchQuery } from '../../domain/listing.js';
import type {
  CommunityPage,
  CommunityQuery,
  ListingProvider,
  ListingRef,
  ProviderHealth,
  SearchPage,
  SearchSupport,
} from '../../providers/provider.js';
import { gone, type Observation, observe } from './observation.js';

/**
 * A provider that reports every listing it reads (search stubs, details, "does not exist"
 * answers) as observations, after the answer is in hand: the caller gets the same answer at the
 * same moment, and the report costs a push onto a bounded queue.
 */
export class ObservingProvider implements ListingProvider {
  readonly searchCommunities?: (
    query: CommunityQuery,
    page: number,
    signal?: AbortSignal,
  ) => Promise<CommunityPage>;
  readonly communityPageSize?: number;

  constructor(
    private readonly inner: ListingProvider,
    private readonly report: (observations: Observation[]) => void,
    private readonly now: () => number,
  ) {
    if (inner.searchCommunities) this.searchCommunities = inner.searchCommunities.bind(inner);
    if (inner.communityPageSize !== undefined) this.communityPageSize = inner.communityPageSize;
  }

  get name(): ProviderName {
    return this.inner.name;
  }
  get searchPageSize(): number {
    return this.inner.searchPageSize;
  }
  get stubFields(): ReadonlySet<ListingField> {
    return this.inner.stubFields;
  }
  get listingTypes(): readonly ListingType[] {
    return this.inner.listingTypes;
  }
  get detailNeedsCity(): boolean {
    return this.inner.detailNeedsCity;
  }

  searchSupport(query: SearchQuery): SearchSupport {
    return this.inner.searchSupport(query);
  }

  async search(query: SearchQuery, page: number, signal?: AbortSignal): Promise<SearchPage> {
    const result = await this.inner.search(query, page, signal);
    const at = this.now();
    this.report(result.listings.map((listing) => observe(listing, at, this.inner.stubFields)));
    return result;
  }

  async getListing(ref: ListingRef, signal?: AbortSignal) {
    const listing = await this.inner.getListing(ref, signal);
    const at = this.now();
    this.report([listing ? observe(listing, at, this.inner.stubFields) : gone(this.name, ref.sourceId, at)]);
    return listing;
  }

  health(): ProviderHealth {
    return this.inner.health();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
