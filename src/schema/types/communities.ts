import { z } from 'zod';
import { findCity } from '../../domain/cities.js';
import { type CommunityList, listCommunities, planCommunities } from '../../search/communities.js';
import { builder } from '../builder.js';
import { connectionType, DEFAULT_FIRST, firstValidator, MAX_FIRST } from '../connection.js';
import { afterCursor } from '../cursor-arg.js';
import { fromSearchError, upstreamErrorsOf } from '../errors.js';
import { type CommunityShape, CommunityType } from './community.js';

const CommunityConnectionType = connectionType<CommunityShape, CommunityList>('CommunityConnection', {
  description: 'A page of communities (Relay connection).',
  edge: {
    name: 'CommunityEdge',
    description: 'A community in a list.',
    cursor: 'Pass as `after` to continue after this community.',
    node: 'The community.',
  },
  node: CommunityType,
  edges: 'The communities.',
  totalCount: "The provider's count of matches.",
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
        defaultValue: DEFAULT_FIRST,
        description: `How many, 1 to ${MAX_FIRST}.`,
        validate: firstValidator,
      }),
      after: t.arg.string({ description: 'A cursor from a previous page of the same list.' }),
    },
    resolve: async (_root, args, ctx) => {
      const query = { cityId: args.cityId, keyword: args.keyword?.trim() || null };
      const plan = fromSearchError(() => planCommunities(ctx.store, query));
      const after = afterCursor(args.after, plan.fingerprint);
      return upstreamErrorsOf(listCommunities(ctx.store, plan, args.first ?? DEFAULT_FIRST, after));
    },
  }),
);
