import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import type { ProviderName } from '../domain/listing.js';
import type { ListingProvider } from '../providers/provider.js';
import { communityProvider, stubCarries } from '../providers/rules.js';
import { isIncluded } from '../schema/selection.js';
import { peekOffsets } from '../search/cursor.js';
import { fieldOf } from '../search/filters.js';
import { DEFAULT_FIRST, MAX_FIRST } from '../search/paging.js';
import { type SearchRequest, searchQueryOf } from '../search/plan.js';
import { postFiltersOf } from '../search/search-service.js';
import { twinLookupCalls } from '../search/twins.js';
import { gatewayReadBudget } from '../search/walk.js';

/**
 * The cost of an operation in upstream calls: the most provider calls it can trigger, computed
 * from the document, the variables and the providers' page sizes and stub fields before anything
 * runs. Retries of one call are not counted (the transport bounds them); cache hits are not
 * subtracted (they cannot be known in advance).
 *
 * - `search(first: N)`: for each provider that may be asked, the search pages that can hold N
 *   listings; plus N detail calls when the selection under `edges.node` reaches a field that some
 *   asked provider's stubs do not carry (`stubCarries` over the providers' declared rules, as
 *   the schema's resolvers read them). The gateway's own work on top: its detail reads for
 *   filters a provider cannot apply and for duplicate pairs the stubs cannot settle (at most
 *   `gatewayReadBudget(N)` a page), and, when collapsing from a cursor, the search pages before
 *   the cursor that it re-reads (from cache while they last).
 * - `alsoListedAs`, wherever a listing is selected: `twinLookupCalls` per listing (a narrowed
 *   search of each other provider and the details its pairs need), and the twins' own selection.
 * - `listing`: 1. `node`: 1. `nodes(ids)`: 1 per id.
 * - `communities(first: N)`: the community pages that can hold N.
 * - `cities`, `service`, `market`, introspection: 0 (and the history fields of a listing).
 * Aliases and repeated fields each count.
 */

export type CostProviders = ReadonlyMap<ProviderName, ListingProvider>;

/**
 * GraphQL fields of a Listing that no provider call serves: made from its identity, or read from
 * the history store.
 */
const NOT_FROM_PROVIDER: ReadonlySet<string> = new Set([
  '__typename',
  'id',
  'priceHistory',
  'firstSeenAt',
  'lastPriceChange',
  'delistedAt',
]);

type RootRule = (field: FieldNode, args: Record<string, unknown>, walk: Walk) => number;

interface Walk {
  providers: CostProviders;
  /** Field nodes reached from a selection set by following a path of field names. */
  fieldsAt(set: SelectionSetNode | undefined, path: readonly string[]): FieldNode[];
}

/** One rule per root field; a test checks that every Query field has one. */
export const ROOT_FIELD_COSTS: Readonly<Record<string, RootRule>> = {
  search: searchCost,
  listing: (field, _args, walk) => 1 + listingExtras(field.selectionSet, walk),
  node: (field, _args, walk) => 1 + nodeExtras(field, walk),
  nodes: (field, args, walk) =>
    (Array.isArray(args.ids) ? args.ids.length : 1) * (1 + nodeExtras(field, walk)),
  communities: communitiesCost,
  cities: () => 0,
  service: () => 0,
  // Read from the history store only.
  market: () => 0,
  watches: watchesCost,
};

export interface CostInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  providers: CostProviders;
}

/**
 * 0 when the operation cannot run at all (no such operation, bad variables): execution then
 * refuses it before any resolver, so no call can follow.
 */
export function upstreamCost({ schema, document, operationName, variables, providers }: CostInput): number {
  const operation = getOperationAST(document, operationName ?? undefined);
  const queryType = schema.getQueryType();
  if (operation?.operation !== 'query' || !queryType) return 0;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors) return 0;
  const values = coerced.coerced;

  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions)
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

  /**
   * The fields of a selection set, fragments expanded, @skip/@include honoured. Like GraphQL's own
   * field collection, a fragment is expanded once per selection set, which also keeps fragment
   * bombs and (invalid) cycles from multiplying the work.
   */
  const fieldsOf = (set: SelectionSetNode | undefined, visited = new Set<string>()): FieldNode[] => {
    const fields: FieldNode[] = [];
    for (const selection of set?.selections ?? []) {
      if (!isIncluded(selection, values)) continue;
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT)
        fields.push(...fieldsOf(selection.selectionSet, visited));
      else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visited.has(name)) continue;
        visited.add(name);
        fields.push(...fieldsOf(fragment.selectionSet, visited));
      }
    }
    return fields;
  };

  const walker: Walk = {
    providers,
    fieldsAt(set, path) {
      let current = fieldsOf(set);
      for (const name of path) {
        current = current.filter((f) => f.name.value === name).flatMap((f) => fieldsOf(f.selectionSet));
      }
      return current;
    },
  };

  const queryFields = queryType.getFields();
  let total = 0;
  for (const field of fieldsOf(operation.selectionSet)) {
    const definition = queryFields[field.name.value];
    const rule = ROOT_FIELD_COSTS[field.name.value];
    if (!definition || !rule) continue;
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(definition, field, values);
    } catch {
      // The field fails with this error before its resolver runs.
      continue;
    }
    total += rule(field, args, walker);
  }
  return total;
}

function searchCost(field: FieldNode, args: Record<string, unknown>, walk: Walk): number {
  // A `first` the field's validation refuses fails before any call, with its own message.
  if (outOfRange(args.first)) return 0;
  const first = asCount(args.first);
  const resumed = args.after != null;
  const filter = (args.filter ?? {}) as SearchRequest & { providers?: ProviderName[] | null };
  const asked = filter.providers
    ? [...new Set(filter.providers)].flatMap((name) => {
        const provider = walk.providers.get(name);
        return provider ? [provider] : [];
      })
    : [...walk.providers.values()];
  const searches = asked.reduce((n, p) => n + pagesFor(first, p.searchPageSize, resumed), 0);
  const nodeFields = walk.fieldsAt(field.selectionSet, ['edges', 'node']);
  const needsDetail = nodeFields.some(
    (f) => !NOT_FROM_PROVIDER.has(f.name.value) && asked.some((p) => !stubCarries(p.rules, f.name.value)),
  );

  const collapse = args.collapseDuplicates !== false && asked.length > 1;
  let gateway = 0;
  if (typeof filter.cityId === 'string') {
    const query = searchQueryOf(filter, (args.sort as Parameters<typeof searchQueryOf>[1]) ?? null);
    const filterReads = asked.some((p) =>
      postFiltersOf(p, query).some((f) => !stubCarries(p.rules, fieldOf(f, query))),
    );
    if (collapse || filterReads) gateway += gatewayReadBudget(first);
  }
  if (collapse && typeof args.after === 'string') {
    // Collapsing re-reads each provider's pages before the cursor.
    const offsets = peekOffsets(args.after) ?? {};
    for (const p of asked) gateway += Math.floor((offsets[p.name] ?? 0) / p.searchPageSize);
  }
  // Left-out listings shown with fields their stubs lack: their details, at most every one fetched.
  const collapsedDetails = ['listing', 'sameAs'].filter((side) =>
    walk
      .fieldsAt(field.selectionSet, ['collapsed', side])
      .some(
        (f) => !NOT_FROM_PROVIDER.has(f.name.value) && asked.some((p) => !stubCarries(p.rules, f.name.value)),
      ),
  ).length;
  const perListing = walk.fieldsAt(field.selectionSet, ['edges']).filter((f) => f.name.value === 'node');
  const extras = perListing.reduce((n, f) => n + listingExtras(f.selectionSet, walk), 0);
  return (
    searches + (needsDetail ? first : 0) + gateway + collapsedDetails * first * asked.length + first * extras
  );
}

/** A node may be a listing (its extras) or a community (its listings' searches). */
function nodeExtras(field: FieldNode, walk: Walk): number {
  return (
    listingExtras(field.selectionSet, walk) + nestedListingsCost(walk.fieldsAt(field.selectionSet, []), walk)
  );
}

/**
 * What a listing's selection costs beyond the listing itself: each `alsoListedAs` looks its twins
 * up, and each twin (at most one per other provider) costs what its own selection reads.
 */
function listingExtras(set: SelectionSetNode | undefined, walk: Walk, depth = 0): number {
  if (depth > 8) return 0;
  const others = Math.max(0, walk.providers.size - 1);
  // Each `community` read past its reference: one community-list search (its merged view).
  let cost = communityLookups(walk.fieldsAt(set, []));
  for (const twins of walk.fieldsAt(set, []).filter((f) => f.name.value === 'alsoListedAs')) {
    const fields = walk.fieldsAt(twins.selectionSet, []);
    const detail = fields.some(
      (f) =>
        !NOT_FROM_PROVIDER.has(f.name.value) &&
        [...walk.providers.values()].some((p) => !stubCarries(p.rules, f.name.value)),
    );
    cost +=
      twinLookupCalls(others) +
      others * ((detail ? 1 : 0) + listingExtras(twins.selectionSet, walk, depth + 1));
  }
  return cost;
}

/** What a listing's own community reference answers without the community list. */
const COMMUNITY_REF_FIELDS: ReadonlySet<string> = new Set(['__typename', 'name', 'subdistrict', 'cityId']);

/** How many `community` fields of a listing selection read past its reference (a lookup each). */
function communityLookups(listingFields: FieldNode[]): number {
  return listingFields.filter(
    (f) =>
      f.name.value === 'community' &&
      (f.selectionSet?.selections ?? []).some(
        (s) => s.kind !== Kind.FIELD || !COMMUNITY_REF_FIELDS.has(s.name.value),
      ),
  ).length;
}

/** The searches of `Community.listings` fields among a community's fields (a variable `first`: 50). */
export function nestedListingsCost(communityFields: FieldNode[], walk: Walk): number {
  let total = 0;
  for (const field of communityFields.filter((f) => f.name.value === 'listings')) {
    const first = field.arguments?.find((a) => a.name.value === 'first')?.value;
    const count =
      first === undefined ? DEFAULT_FIRST : first.kind === Kind.INT ? Number(first.value) : MAX_FIRST;
    total += searchCost(field, { first: count, after: null }, walk);
  }
  return total;
}

function communitiesCost(field: FieldNode, args: Record<string, unknown>, walk: Walk): number {
  if (outOfRange(args.first)) return 0;
  const pageSize = communityProvider(walk.providers.values())?.rules.communities?.pageSize;
  if (!pageSize) return 0;
  const first = asCount(args.first);
  const nested = nestedListingsCost(walk.fieldsAt(field.selectionSet, ['edges', 'node']), walk);
  return pagesFor(first, pageSize, args.after != null) + first * nested;
}

/** A `first` the field's validation refuses: it fails before any call. */
function outOfRange(value: unknown): boolean {
  return typeof value === 'number' && (value < 1 || value > MAX_FIRST);
}

/**
 * Pages of `size` that `first` consecutive items can span: from the start, ceil(first / size);
 * from a cursor, which can point into the middle of a page, one more at worst.
 */
export function pagesFor(first: number, size: number, resumed: boolean): number {
  if (first <= 0) return 0;
  return resumed ? 1 + Math.ceil((first - 1) / size) : Math.ceil(first / size);
}

/**
 * Watches are read from the store; only a listing of their events can cost: a detail per event
 * when the selection reaches a field the stubs do not carry. An events `first` given by a
 * variable counts as the largest page (100).
 */
function watchesCost(field: FieldNode, args: Record<string, unknown>, walk: Walk): number {
  const providers = [...walk.providers.values()];
  let perWatch = 0;
  for (const events of walk
    .fieldsAt(field.selectionSet, ['edges', 'node'])
    .filter((f) => f.name.value === 'events')) {
    const listing = walk.fieldsAt(events.selectionSet, ['edges', 'node', 'listing']);
    const needsDetail = listing.some(
      (f) =>
        !NOT_FROM_PROVIDER.has(f.name.value) && providers.some((p) => !stubCarries(p.rules, f.name.value)),
    );
    if (!needsDetail) continue;
    const first = events.arguments?.find((a) => a.name.value === 'first')?.value;
    perWatch += first?.kind === Kind.INT ? Number(first.value) : first ? 100 : DEFAULT_FIRST;
  }
  return asCount(args.first) * perWatch;
}

function asCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.floor(value)) : DEFAULT_FIRST;
}
