import { CITIES } from '../src/domain/cities.js';
import {
  type Listing,
  type ProviderName,
  type SearchQuery,
  unfilteredSearch,
} from '../src/domain/listing.js';
import { UpstreamTransport } from '../src/http/transport.js';
import { silentLogger } from '../src/logger.js';
import {
  bestPairs,
  candidatePairs,
  gives,
  listingKey,
  type MatchResult,
  matchListings,
  type ScoredPair,
} from '../src/matching/index.js';
import { createBeikeProvider } from '../src/providers/beike/index.js';
import { createFangProvider } from '../src/providers/fang/index.js';
import type { ListingProvider } from '../src/providers/provider.js';
import { type CrossListingVariant, crossListingTruth, type Sandbox } from '../src/sandbox/index.js';

/**
 * Precision and recall of src/matching on the sandbox's cross-listed homes, through the real path:
 * every resale stub of every city from both providers over HTTP through the adapters, matched in
 * pairs; details read (through the same adapters) for the listings of POSSIBLE pairs only; the best
 * pairs kept; the result set against the ground truth, which nothing above has seen.
 */

export interface PairReport {
  beike: string;
  fang: string;
  beikeCommunity: string | null;
  fangCommunity: string | null;
  verdict: MatchResult['verdict'] | 'NOT SEEN';
  reasons: string[];
  /** How the Fang side was made to differ (misses), or the decoy kind (false matches). */
  made: string | null;
}

export interface MatchQuality {
  seed: number;
  cities: number;
  stubs: Record<ProviderName, number>;
  /** Pairs compared after blocking (same city and bedrooms, areas within the tolerance). */
  comparisons: number;
  /** Pairs of stubs a city holds, before blocking. */
  allPairs: number;
  /** Pairs that were POSSIBLE on stubs and so needed details. */
  possibleOnStubs: number;
  detailReads: Record<ProviderName, number>;
  truthPairs: number;
  decoys: number;
  predicted: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  /** Decoys matched to the listing they imitate (each is also a false positive). */
  decoysAccepted: number;
  errors: { falsePositives: PairReport[]; falseNegatives: PairReport[] };
}

const resale = (cityId: string): SearchQuery => unfilteredSearch(cityId);

function transport(provider: ProviderName, baseUrl: string, secrets: string[]): UpstreamTransport {
  return new UpstreamTransport({
    provider,
    baseUrl,
    secrets,
    timeoutMs: 5_000,
    deadlineMs: 20_000,
    maxBodyBytes: 4 * 1024 * 1024,
    retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 50 },
    rate: { perSecond: 10_000, burst: 10_000 },
    dailyBudget: null,
    circuit: { failureThreshold: 1_000, openMs: 1_000 },
    connections: 4,
    logger: silentLogger,
  });
}

async function allStubs(provider: ListingProvider, query: SearchQuery): Promise<Listing[]> {
  const listings: Listing[] = [];
  for (let page = 0; ; page++) {
    const result = await provider.search(query, page);
    listings.push(...result.listings);
    if (!result.hasMore || result.listings.length === 0) return listings;
  }
}

async function inPool<T>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

const pairKey = (beike: string, fang: string) => `${beike}|${fang}`;

export async function measureMatchQuality(sandbox: Sandbox): Promise<MatchQuality> {
  const { beikeToken, fangKey, fangSecret } = sandbox.credentials;
  const providers: Record<ProviderName, ListingProvider> = {
    BEIKE: createBeikeProvider({
      transport: transport('BEIKE', sandbox.beikeUrl, [beikeToken]),
      token: beikeToken,
      logger: silentLogger,
    }),
    FANG: createFangProvider({
      transport: transport('FANG', sandbox.fangUrl, [fangKey, fangSecret]),
      key: fangKey,
      secret: fangSecret,
      searchPageSize: 50,
      logger: silentLogger,
    }),
  };
  try {
    return await measure(sandbox, providers);
  } finally {
    await Promise.all(Object.values(providers).map((p) => p.close()));
  }
}

async function measure(
  sandbox: Sandbox,
  providers: Record<ProviderName, ListingProvider>,
): Promise<MatchQuality> {
  const stubs: Record<ProviderName, number> = { BEIKE: 0, FANG: 0 };
  const detailReads: Record<ProviderName, number> = { BEIKE: 0, FANG: 0 };
  const listings = new Map<string, Listing>();
  const results = new Map<string, MatchResult>();
  let comparisons = 0;
  let allPairs = 0;
  let possibleOnStubs = 0;
  const matched: (ScoredPair & { result: MatchResult })[] = [];
  const cities = CITIES.filter((c) => c.providers.includes('BEIKE') && c.providers.includes('FANG'));

  for (const city of cities) {
    const [beike, fang] = await Promise.all([
      allStubs(providers.BEIKE, resale(city.id)),
      allStubs(providers.FANG, resale(city.id)),
    ]);
    stubs.BEIKE += beike.length;
    stubs.FANG += fang.length;
    allPairs += beike.length * fang.length;
    for (const l of [...beike, ...fang]) listings.set(listingKey(l), l);

    const possible: [Listing, Listing][] = [];
    for (const [b, f] of candidatePairs(beike, fang)) {
      comparisons++;
      const result = matchListings(b, f);
      results.set(pairKey(listingKey(b), listingKey(f)), result);
      if (result.verdict === 'POSSIBLE') possible.push([b, f]);
      else if (result.verdict === 'SAME') matched.push(scored(b, f, result));
    }
    possibleOnStubs += possible.length;

    // Only what a POSSIBLE pair lacks is read, once per listing.
    const toRead = new Map<string, Listing>();
    for (const [b, f] of possible) {
      const unknown = results.get(pairKey(listingKey(b), listingKey(f)))!.unknown;
      for (const l of [b, f]) {
        const lacks = unknown.some((field) => !gives(l, field));
        if (lacks) toRead.set(listingKey(l), l);
      }
    }
    await inPool([...toRead.values()], 8, async (stub) => {
      const detail = await providers[stub.provider].getListing({
        sourceId: stub.sourceId,
        cityId: stub.cityId,
      });
      detailReads[stub.provider]++;
      if (detail) listings.set(listingKey(stub), detail);
    });
    for (const [b, f] of possible) {
      const [bk, fk] = [listingKey(b), listingKey(f)];
      const result = matchListings(listings.get(bk)!, listings.get(fk)!);
      results.set(pairKey(bk, fk), result);
      if (result.verdict === 'SAME') matched.push(scored(b, f, result));
    }
  }

  const kept = bestPairs(matched);
  const truth = crossListingTruth(sandbox.data);
  const truthPairs = new Map(
    truth.pairs.map((p) => [pairKey(`BEIKE:${p.beikeHouseCode}`, `FANG:${p.fangHouseId}`), p.variant]),
  );
  const decoys = new Map(
    truth.decoys.map((d) => [pairKey(`BEIKE:${d.beikeHouseCode}`, `FANG:${d.fangHouseId}`), d.kind]),
  );
  const predicted = new Set(kept.map((p) => pairKey(p.a, p.b)));
  const report = (key: string, made: string | null): PairReport => {
    const [beike, fang] = key.split('|') as [string, string];
    // A pair left out by blocking is compared here, so that its miss is explained too.
    const [lb, lf] = [listings.get(beike), listings.get(fang)];
    const result = results.get(key) ?? (lb && lf ? matchListings(lb, lf) : undefined);
    return {
      beike,
      fang,
      beikeCommunity: listings.get(beike)?.community?.name ?? null,
      fangCommunity: listings.get(fang)?.community?.name ?? null,
      verdict: result?.verdict ?? 'NOT SEEN',
      reasons: result?.reasons ?? ['a listing of this pair was not in the search results'],
      made,
    };
  };
  const falsePositives = [...predicted]
    .filter((key) => !truthPairs.has(key))
    .map((key) => report(key, decoys.has(key) ? `decoy: ${decoys.get(key)}` : null));
  const falseNegatives = [...truthPairs]
    .filter(([key]) => !predicted.has(key))
    .map(([key, variant]) => report(key, describe(variant)));
  const truePositives = predicted.size - falsePositives.length;
  return {
    seed: sandbox.data.seed,
    cities: cities.length,
    stubs,
    comparisons,
    allPairs,
    possibleOnStubs,
    detailReads,
    truthPairs: truthPairs.size,
    decoys: decoys.size,
    predicted: predicted.size,
    truePositives,
    falsePositives: falsePositives.length,
    falseNegatives: falseNegatives.length,
    precision: predicted.size === 0 ? 0 : truePositives / predicted.size,
    recall: truthPairs.size === 0 ? 0 : truePositives / truthPairs.size,
    decoysAccepted: falsePositives.filter((p) => p.made?.startsWith('decoy')).length,
    errors: { falsePositives, falseNegatives },
  };
}

function scored(beike: Listing, fang: Listing, result: MatchResult) {
  return { a: listingKey(beike), b: listingKey(fang), score: result.score, result };
}

function describe(variant: CrossListingVariant): string {
  return `name ${variant.name}, area ${variant.area}, price ${variant.price}, district ${variant.district}`;
}
