import { searchQueryOf } from '../../search/plan.js';
import { builder } from '../builder.js';
import { DEFAULT_FIRST, firstValidator, MAX_FIRST } from '../connection.js';
import { CommunityType, mergedCommunity } from './community.js';
import { SearchSortEnum } from './enums.js';
import { mergedSearch, SearchConnectionType } from './search.js';

builder.objectField(CommunityType, 'listings', (t) =>
  t.field({
    type: SearchConnectionType,
    description:
      'Listings in this community: a merged search of every provider by its name, in its city and ' +
      'district (a search costs what `search` costs). Providers match names as text, so a listing of ' +
      'a community whose name contains this one can appear too.',
    args: {
      first: t.arg.int({
        defaultValue: DEFAULT_FIRST,
        description: `How many listings, 1 to ${MAX_FIRST}.`,
        validate: firstValidator,
      }),
      after: t.arg.string({ description: 'A cursor from a previous page of the same listings.' }),
      sort: t.arg({ type: SearchSortEnum, defaultValue: 'RELEVANCE', description: 'Order.' }),
    },
    resolve: async (community, args, ctx, info) => {
      const view = await mergedCommunity(community, ctx);
      const query = searchQueryOf(
        {
          cityId: view.cityId ?? '',
          keyword: view.name,
          ...(view.districtId ? { districtIds: [view.districtId] } : {}),
        },
        args.sort,
      );
      return mergedSearch(ctx, info, query, {
        providers: null,
        collapse: false,
        first: args.first ?? DEFAULT_FIRST,
        after: args.after,
      });
    },
  }),
);
