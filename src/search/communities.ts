import type { Community, ProviderName } from '../domain/listing.js';
import type { CommunityPage, CommunityQuery } from '../providers/provider.js';
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

/** A community as one source knows it: a listing's reference (few fields) or a list record (more). */
export interface CommunityView {
  provider: ProviderName;
  sourceId: string | null;
  cityId: string | null;
  name: string;
  district: string | null;
  districtId?: string | null;
  subdistrict: string | null;
  averageUnitPrice: number | null;
  resaleAverageUnitPrice?: number | null;
  resaleListingCount?: number | null;
  buildingType?: string | null;
  builtYear?: number | null;
  location?: { latitude: number; longitude: number } | null;
  coverUrl?: string | null;
  /** Set on a list record: nothing more to learn about it. */
  fetchedAt?: string;
}

/**
 * THE merge of what two sources say of one community: the list record's values where it has them,
 * the listing's where it has not (its district wording, a subdistrict). So 顺义区 and 顺义 are one
 * district (110113), and a listing's null average or build year gives way to the list's 38500, 2003.
 */
export function mergeCommunity(ref: CommunityView, record: Community | null): CommunityView {
  if (!record) return ref;
  const pick = <T>(a: T | null | undefined, b: T | null | undefined): T | null => a ?? b ?? null;
  return {
    provider: record.provider,
    sourceId: record.sourceId,
    cityId: record.cityId,
    name: record.name,
    district: pick(record.district, ref.district),
    districtId: pick(record.districtId, ref.districtId),
    subdistrict: pick(record.subdistrict, ref.subdistrict),
    averageUnitPrice: pick(record.averageUnitPrice, ref.averageUnitPrice),
    resaleAverageUnitPrice: pick(record.resaleAverageUnitPrice, ref.resaleAverageUnitPrice),
    resaleListingCount: pick(record.resaleListingCount, ref.resaleListingCount),
    buildingType: pick(record.buildingType, ref.buildingType),
    builtYear: pick(record.builtYear, ref.builtYear),
    location: pick(record.location, ref.location),
    coverUrl: pick(record.coverUrl, ref.coverUrl),
    fetchedAt: record.fetchedAt,
  };
}

/** Spacing, full-width characters and brackets aside: 双裕花园（西区） is 双裕花园西区. */
function sameName(a: string, b: string): boolean {
  const fold = (s: string) => s.normalize('NFKC').replace(/[\s()（）[\]【】]/g, '');
  return fold(a) === fold(b);
}

/**
 * The community-list page a community a listing names is looked for on: the first list page of a
 * search by its name in its city (one upstream call, through the community-page cache). null when
 * there is nothing to look up: no city, a list record already, or no list provider.
 */
export function communityRecordPage(store: ListingStore, ref: CommunityView): Promise<CommunityPage> | null {
  const where = listPageOf(store, ref);
  if (!where) return null;
  return store.communityPage(where.provider, where.query, 0).then((r) => r.value);
}

/**
 * The record of `ref` on its page (communityRecordPage): the record with its id, or without one
 * (Fang) the same name in the same district. null when there is no such record; never a guess
 * between two.
 */
export function communityRecordIn(
  store: ListingStore,
  ref: CommunityView,
  page: CommunityPage,
): Community | null {
  const provider = communityProvider(store.providers.values());
  return provider ? recordIn(page, ref, provider.name) : null;
}

/** The community list's record of a community a listing names (see the two above); null when none. */
export async function findCommunityRecord(
  store: ListingStore,
  ref: CommunityView,
): Promise<Community | null> {
  const page = communityRecordPage(store, ref);
  return page ? communityRecordIn(store, ref, await page) : null;
}

/** A listing's community reference, merged from a list page held in memory (mergedCommunityNow). */
interface WarmCommunity {
  view: CommunityView;
  /** The page it was merged from: the merge stands as long as the cache holds this very page. */
  page: CommunityPage;
  key: string;
}

/**
 * Merges kept across requests, by reference object (a detail's community is one object as long as
 * the detail is cached): a warm page is then one cache look-up per community per request, not a
 * key built, a page searched and a record merged again.
 */
const warmMerges = new WeakMap<CommunityView, WarmCommunity>();

/**
 * The merged view when the community's list page is fresh in this process's cache, without
 * waiting (the warm path of the community fields); undefined when the page must be read
 * (communityRecordPage). A reference with no list to look in stands as it is.
 */
export function mergedCommunityNow(store: ListingStore, ref: CommunityView): CommunityView | undefined {
  const kept = warmMerges.get(ref);
  if (kept && store.peekCommunityPageAt(kept.key) === kept.page) return kept.view;
  const where = listPageOf(store, ref);
  if (!where) return ref;
  const key = store.communityPageKey(where.provider, where.query, 0);
  const page = store.peekCommunityPageAt(key);
  if (!page) return undefined;
  const view = mergeCommunity(ref, recordIn(page, ref, where.provider));
  warmMerges.set(ref, { view, page, key });
  return view;
}

function listPageOf(
  store: ListingStore,
  ref: CommunityView,
): { provider: ProviderName; query: CommunityQuery } | null {
  if (!ref.cityId || ref.fetchedAt) return null;
  const provider = communityProvider(store.providers.values());
  if (!provider) return null;
  return { provider: provider.name, query: { cityId: ref.cityId, keyword: ref.name } };
}

function recordIn(page: CommunityPage, ref: CommunityView, provider: ProviderName): Community | null {
  if (ref.sourceId && ref.provider === provider)
    return page.communities.find((c) => c.sourceId === ref.sourceId) ?? null;
  const same = page.communities.filter(
    (c) =>
      sameName(c.name, ref.name) && (!ref.districtId || !c.districtId || c.districtId === ref.districtId),
  );
  return same.length === 1 ? (same[0] as Community) : null;
}
