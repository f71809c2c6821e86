import { z } from 'zod';
import { findCity } from '../../domain/cities.js';
import type { ProviderName } from '../../domain/listing.js';
import { canonical } from '../../loaders/listing-store.js';
import { isUpstreamError } from '../../providers/errors.js';
import { encodeCursor, fingerprintOf } from '../../search/cursor.js';
import { builder } from '../builder.js';
import { afterCursor } from '../cursor-arg.js';
import { providerNotConfigured, upstreamGraphQLError } from '../errors.js';
import { type CommunityShape, CommunityType } from './community.js';

/** Beike is the only provider with a community list. */
const COMMUNITY_PROVIDER: ProviderName = 'BEIKE';
const MAX_FIRST = 50;

interface CommunityConnectionShape {
  edges: { cursor: string; node: CommunityShape }[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  totalCount: number | null;
}

const CommunityEdgeType = builder
  .objectRef<CommunityConnectionShape['edges'][number]>('CommunityEdge')
  .implement({
    description: 'A community in a list.',
    fields: (t) => ({
      cursor: t.exposeString('cursor', { description: 'Pass as `after` to continue after this community.' }),
      node: t.field({ type: CommunityType, description: 'The community.', resolve: (e) => e.node }),
    }),
  });

const CommunityConnectionType = builder.objectRef<CommunityConnectionShape>('CommunityConnection').implement({
  description: 'A page of communities (Relay connection).',
  fields: (t) => ({
    edges: t.field({ type: [CommunityEdgeType], description: 'The communities.', resolve: (c) => c.edges }),
    pageInfo: t.field({
      type: builder.pageInfoRef(),
      description: 'Where this page is.',
      resolve: (c) => ({
        hasNextPage: c.hasNextPage,
        hasPreviousPage: c.hasPreviousPage,
        startCursor: c.edges[0]?.cursor ?? null,
        endCursor: c.edges[c.edges.length - 1]?.cursor ?? null,
      }),
    }),
    totalCount: t.exposeInt('totalCount', {
      nullable: true,
      description: "The provider's count of matches.",
    }),
  }),
});

builder.queryField('communities', (t) =>
  t.field({
    type: CommunityConnectionType,
    description: 'Communities (小区) of a city with their average prices (Beike).',
    args: {
      cityId: t.arg.string({
        required: true,
        description: 'GB/T 2260 city code.',
        validate: z
          .string()
          .refine((id) => findCity(id) !== undefined, 'is not a supported city (see `cities`)'),
      }),
      keyword: t.arg.string({
        description: 'Words in the community name. Blank (empty or only spaces) means no keyword.',
        validate: z.string().trim().max(50, 'must be at most 50 characters'),
      }),
      first: t.arg.int({
        defaultValue: 20,
        description: `How many, 1 to ${MAX_FIRST}.`,
        validate: z
          .number()
          .int()
          .min(1, `must be 1 to ${MAX_FIRST}`)
          .max(MAX_FIRST, `must be 1 to ${MAX_FIRST}`),
      }),
      after: t.arg.string({ description: 'A cursor from a previous page of the same list.' }),
    },
    resolve: async (_root, args, ctx) => {
      const provider = ctx.store.provider(COMMUNITY_PROVIDER);
      if (!provider?.searchCommunities) throw providerNotConfigured(COMMUNITY_PROVIDER);
      const query = { cityId: args.cityId, keyword: args.keyword?.trim() || null };
      const fingerprint = fingerprintOf(canonical({ communities: query }));
      const offset = afterCursor(args.after, fingerprint)?.offsets[COMMUNITY_PROVIDER] ?? 0;
      const first = args.first ?? 20;
      const size = provider.communityPageSize ?? 20;
      const edges: CommunityConnectionShape['edges'] = [];
      let page = Math.floor(offset / size);
      let hasMore = true;
      let totalCount: number | null = null;
      try {
        while (edges.length < first && hasMore) {
          const { value } = await ctx.store.communityPage(COMMUNITY_PROVIDER, query, page);
          totalCount = value.total;
          hasMore = value.hasMore;
          value.communities.forEach((community, i) => {
            const position = page * size + i;
            if (position < offset || edges.length >= first) return;
            edges.push({
              node: community,
              cursor: encodeCursor({ fingerprint, offsets: { [COMMUNITY_PROVIDER]: position + 1 } }),
            });
          });
          if (value.communities.length === 0) break;
          page += 1;
        }
      } catch (error) {
        if (isUpstreamError(error)) throw upstreamGraphQLError(error);
        throw error;
      }
      const consumed = offset + edges.length;
      return {
        edges,
        hasNextPage: totalCount !== null ? consumed < totalCount : hasMore,
        hasPreviousPage: offset > 0,
        totalCount,
      };
    },
  }),
);
