import type { ProviderName, SearchQuery } from '../../domain/listing.js';
import type {
  CommunityPage,
  CommunityQuery,
  ListingProvider,
  ListingRef,
  ProviderHealth,
  ProviderRules,
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
  readonly searchCommunities?: (query: CommunityQuery, page: number) => Promise<CommunityPage>;

  constructor(
    private readonly inner: ListingProvider,
    private readonly report: (observations: Observation[]) => void,
    private readonly now: () => number,
  ) {
    if (inner.searchCommunities) this.searchCommunities = inner.searchCommunities.bind(inner);
  }

  get name(): ProviderName {
    return this.inner.name;
  }
  get rules(): ProviderRules {
    return this.inner.rules;
  }
  get searchPageSize(): number {
    return this.inner.searchPageSize;
  }

  searchSupport(query: SearchQuery): SearchSupport {
    return this.inner.searchSupport(query);
  }

  async search(query: SearchQuery, page: number): Promise<SearchPage> {
    const result = await this.inner.search(query, page);
    const at = this.now();
    this.report(result.listings.map((listing) => observe(listing, at, this.rules.stubFields)));
    return result;
  }

  async getListing(ref: ListingRef) {
    const listing = await this.inner.getListing(ref);
    const at = this.now();
    this.report([listing ? observe(listing, at, this.rules.stubFields) : gone(this.name, ref.sourceId, at)]);
    return listing;
  }

  health(): ProviderHealth {
    return this.inner.health();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
