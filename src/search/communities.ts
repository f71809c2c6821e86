import type { Community, ProviderName } from '../domain/listing.js';
import type { CommunityQuery } from '../providers/provider.js';
import { communityProvider, PROVIDER_RULES } from '../providers/rules.js';
import type { ListingStore } from '../store/listing-store.js';
import { encodeCursor, fingerprintOf, type SearchCursor } from './cursor.js';
import { ProviderNotConfiguredError } from './errors.js';

export interface CommunityPlan {
  provider: ProviderName;
  pageSize: number;
  query: CommunityQuery;
  fingerprint: string;
}

export interface CommunityList {
  edges: { cursor: string; node: Community }[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
  totalCount: number | null;
}

/** The configured provider whose rules declare a community list; none is the client's error. */
export function planCommunities(store: ListingStore, query: CommunityQuery): CommunityPlan {
  const provider = communityProvider(store.providers.values());
  const pageSize = provider?.rules.communities?.pageSize;
  if (!provider || !pageSize) {
    const declaring = Object.values(PROVIDER_RULES).find((rules) => rules.communities);
    throw new ProviderNotConfiguredError(declaring?.name ?? 'BEIKE');
  }
  return { provider: provider.name, pageSize, query, fingerprint: fingerprintOf({ communities: query }) };
}

/** Reads the provider's pages from the cursor's offset on until `first` communities are in hand. */
export async function listCommunities(
  store: ListingStore,
  plan: CommunityPlan,
  first: number,
  after: SearchCursor | null,
): Promise<CommunityList> {
  const { provider, pageSize: size, query, fingerprint } = plan;
  const offset = after?.offsets[provider] ?? 0;
  const edges: CommunityList['edges'] = [];
  let page = Math.floor(offset / size);
  let hasMore = true;
  let totalCount: number | null = null;
  while (edges.length < first && hasMore) {
    const { value } = await store.communityPage(provider, query, page);
    totalCount = value.total;
    hasMore = value.hasMore;
    value.communities.forEach((community, i) => {
      const position = page * size + i;
      if (position < offset || edges.length >= first) return;
      edges.push({
        node: community,
        cursor: encodeCursor({ fingerprint, offsets: { [provider]: position + 1 } }),
      });
    });
    if (value.communities.length === 0) break;
    page += 1;
  }
  const consumed = offset + edges.length;
  return {
    edges,
    hasNextPage: totalCount !== null ? consumed < totalCount : hasMore,
    hasPreviousPage: offset > 0,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges[edges.length - 1]?.cursor ?? null,
    totalCount,
  };
}
