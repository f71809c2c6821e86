import { GraphQLError } from 'graphql';
import { z } from 'zod';
import type { Watch, WatchEvent, WatchSpec, WebhookDelivery } from '../../watches/model.js';
import { WatchInputError, WatchLimitError } from '../../watches/model.js';
import type { WatchService } from '../../watches/service.js';
import { builder } from '../builder.js';
import { connectionType } from '../connection.js';
import type { GraphQLContext } from '../context.js';
import { badUserInput, fromSearchError } from '../errors.js';
import { decodeGlobalId } from '../ids.js';
import { AmenityEnum, DecorationEnum, ListingTypeEnum, ProviderEnum } from './enums.js';
import { ListingNode } from './listing.js';
import { SearchFilterInput, searchFilterSchema } from './search.js';

/**
 * Watches: saved searches that alert by subscription and by signed webhook. Everything here is
 * the caller's own: another client's watch reads as null and changes as NOT_FOUND, exactly like
 * an id that does not exist, so ids cannot be probed.
 */

const MAX_WATCH_PAGE = 100;

function service(ctx: GraphQLContext): WatchService {
  // The answer is the owner's own: never shared with another caller (response cache).
  ctx.ownerScoped = true;
  if (!ctx.watches) {
    throw new GraphQLError('Watches need the history store (HISTORY_ENABLED=1).', {
      extensions: { code: 'WATCHES_UNAVAILABLE' },
    });
  }
  return ctx.watches;
}

function notFound(argument: string): GraphQLError {
  return new GraphQLError(`${argument}: no such watch`, { extensions: { code: 'NOT_FOUND', argument } });
}

/** The watch's own id from a global id; a well-formed id of another type is simply not a watch. */
function watchIdOf(globalId: string): string | null {
  const { typename, id } = decodeGlobalId(globalId);
  return typename === 'Watch' ? id : null;
}

async function mapErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await fromSearchError(work);
  } catch (error) {
    if (error instanceof WatchInputError) throw badUserInput(error.argument, error.message);
    if (error instanceof WatchLimitError) {
      throw new GraphQLError(error.message, {
        extensions: { code: 'WATCH_LIMIT_REACHED', limit: error.limit },
      });
    }
    throw error;
  }
}

const seqCursor = (prefix: string, seq: string) => Buffer.from(`${prefix}:${seq}`).toString('base64url');
function afterSeq(prefix: string, after: string | null | undefined): string | null {
  if (after == null) return null;
  const text = /^[A-Za-z0-9_-]{1,40}$/.test(after) ? Buffer.from(after, 'base64url').toString('utf8') : '';
  const seq = new RegExp(`^${prefix}:(\\d{1,18})$`).exec(text)?.[1];
  if (!seq) throw badUserInput('after', 'is not a cursor of this list');
  return seq;
}

/** `first` on every list of a watch's: the same range and message for each. */
const PAGE_SIZE_ARG = {
  defaultValue: 20,
  description: `How many, 1 to ${MAX_WATCH_PAGE}.`,
  validate: z
    .number()
    .int()
    .min(1, `must be 1 to ${MAX_WATCH_PAGE}`)
    .max(MAX_WATCH_PAGE, `must be 1 to ${MAX_WATCH_PAGE}`),
};

/** A page of rows ordered by their sequence number, as a connection whose cursors carry it. */
function seqConnection<T extends { seq: string }>(
  prefix: string,
  page: { items: T[]; hasNextPage: boolean },
  after: string | null | undefined,
) {
  const edges = page.items.map((node) => ({ cursor: seqCursor(prefix, node.seq), node }));
  return {
    edges,
    hasNextPage: page.hasNextPage,
    hasPreviousPage: after != null,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges[edges.length - 1]?.cursor ?? after ?? null,
    totalCount: null,
  };
}

const WatchEventKindEnum = builder.enumType('WatchEventKind', {
  description:
    'What a watch noticed, per home: a home listed on several providers (the same-home matcher, SAME pairs only) alerts once per kind and run, naming the listing that triggered it first.',
  values: {
    NEW_LISTING: {
      description:
        'A home none of whose listings the watch had seen (not on its first run, which records what matches). A second provider listing a home the watch already saw is not new.',
    },
    PRICE_DROP: {
      description:
        'A match whose price fell by at least `priceDropPercent` since the last run; once per home per run.',
    },
    PRICE_BELOW: {
      description:
        'A match whose price is at or below `priceBelow`, once per crossing of that listing; once per home per run.',
    },
    DELISTED: {
      description:
        'A home every listing of which the watch saw is gone or withdrawn, as the providers say; a twin still listed keeps the home alive.',
    },
  },
});

export const WatchEventNode = builder.node(builder.objectRef<WatchEvent>('WatchEvent'), {
  description: 'One alert of a watch, stored before it is announced or sent.',
  id: { resolve: (e) => e.id },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'watchId' in value && 'kind' in value,
  loadOne: (id, ctx: GraphQLContext) => service(ctx).event(ctx.owner, String(id)),
  fields: (t) => ({
    kind: t.field({ type: WatchEventKindEnum, description: 'What happened.', resolve: (e) => e.kind }),
    webhookId: t.string({
      description:
        'The `webhook-id` its webhook deliveries carry (the same on every retry), and `data.id` in their body.',
      resolve: (e) => e.id,
    }),
    at: t.field({ type: 'DateTime', description: 'When the run that noticed it ran.', resolve: (e) => e.at }),
    listing: t.field({
      type: ListingNode,
      description: 'The listing, as the run saw it (fields a search result lacks are read from its detail).',
      resolve: (e) => e.listing,
    }),
    previousPrice: t.float({
      nullable: true,
      description: 'The price the watch saw before, yuan (monthly rent for RENTAL).',
      resolve: (e) => e.previousPrice,
    }),
    price: t.float({
      nullable: true,
      description: 'The price now, yuan (monthly rent for RENTAL); null for DELISTED.',
      resolve: (e) => e.price,
    }),
  }),
});

const WebhookDeliveryType = builder.objectRef<WebhookDelivery>('WebhookDelivery').implement({
  description: 'One webhook attempt.',
  fields: (t) => ({
    webhookId: t.string({
      description: 'The `webhook-id` header sent: the event id, the same on every retry of one event.',
      resolve: (d) => d.eventId,
    }),
    attempt: t.exposeInt('attempt', {
      description: '1 for the first attempt of an event, 2 for its first retry…',
    }),
    at: t.field({ type: 'DateTime', description: 'When it was made.', resolve: (d) => d.at.toISOString() }),
    status: t.int({
      nullable: true,
      description: "The receiver's HTTP status; null when none came.",
      resolve: (d) => d.status,
    }),
    durationMs: t.exposeInt('durationMs', { description: 'How long it took, ms.' }),
    error: t.string({
      nullable: true,
      description: 'What went wrong; null when delivered.',
      resolve: (d) => d.error,
    }),
  }),
});

const WatchFilterType = builder.objectRef<WatchSpec['filter']>('WatchFilter').implement({
  description: "The watch's SearchFilter, as given.",
  fields: (t) => ({
    cityId: t.exposeString('cityId', { description: 'GB/T 2260 city code.' }),
    keyword: t.string({ nullable: true, description: 'Words to match.', resolve: (f) => f.keyword ?? null }),
    listingType: t.field({
      type: ListingTypeEnum,
      description: 'What is offered.',
      resolve: (f) => f.listingType ?? 'RESALE',
    }),
    providers: t.field({
      type: [ProviderEnum],
      nullable: true,
      description: 'Only these providers.',
      resolve: (f) => (f.providers ?? null) as never,
    }),
    bedrooms: t.intList({
      nullable: true,
      description: 'Bedroom counts.',
      resolve: (f) => f.bedrooms ?? null,
    }),
    priceMin: t.float({
      nullable: true,
      description: 'Lowest price, yuan.',
      resolve: (f) => f.priceMin ?? null,
    }),
    priceMax: t.float({
      nullable: true,
      description: 'Highest price, yuan.',
      resolve: (f) => f.priceMax ?? null,
    }),
    areaMin: t.float({
      nullable: true,
      description: 'Smallest area, m².',
      resolve: (f) => f.areaMin ?? null,
    }),
    areaMax: t.float({ nullable: true, description: 'Largest area, m².', resolve: (f) => f.areaMax ?? null }),
    decoration: t.field({
      type: DecorationEnum,
      nullable: true,
      description: 'Interior.',
      resolve: (f) => (f.decoration ?? null) as never,
    }),
    amenities: t.field({
      type: [AmenityEnum],
      nullable: true,
      description: 'All of these nearby.',
      resolve: (f) => (f.amenities ?? null) as never,
    }),
  }),
});

const WatchEventConnection = connectionType<
  WatchEvent,
  {
    edges: { cursor: string; node: WatchEvent }[];
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
    totalCount: number | null;
  }
>('WatchEventConnection', {
  description: "A watch's events, oldest first: page on with `after` to catch up after a disconnect.",
  edge: {
    name: 'WatchEventEdge',
    description: 'An event.',
    cursor: 'Pass as `after` to read the events after this one.',
    node: 'The event.',
  },
  node: WatchEventNode,
  edges: 'The events, oldest first.',
  totalCount: 'Not counted: always null.',
});

export const WatchNode = builder.node(builder.objectRef<Watch>('Watch'), {
  description:
    'A saved search that alerts: it runs every `intervalMinutes` and turns what changed into events.',
  id: { resolve: (w) => w.id },
  isTypeOf: (value) =>
    typeof value === 'object' && value !== null && 'intervalMinutes' in value && 'owner' in value,
  loadOne: (id, ctx: GraphQLContext) => service(ctx).get(ctx.owner, String(id)),
  fields: (t) => ({
    name: t.string({ nullable: true, description: 'Its name, as given.', resolve: (w) => w.name }),
    filter: t.field({ type: WatchFilterType, description: 'What it searches.', resolve: (w) => w.filter }),
    priceBelow: t.float({
      nullable: true,
      description: 'PRICE_BELOW threshold, yuan (monthly rent for RENTAL).',
      resolve: (w) => w.priceBelow,
    }),
    priceDropPercent: t.float({
      nullable: true,
      description: 'PRICE_DROP threshold, percent.',
      resolve: (w) => w.priceDropPercent,
    }),
    newListings: t.exposeBoolean('newListings', { description: 'Whether it alerts on new matches.' }),
    delistings: t.exposeBoolean('delistings', { description: 'Whether it alerts on withdrawn matches.' }),
    intervalMinutes: t.exposeInt('intervalMinutes', { description: 'How often it runs.' }),
    webhookUrl: t.string({
      nullable: true,
      description: 'Where events are POSTed, signed (Standard Webhooks).',
      resolve: (w) => w.webhookUrl,
    }),
    webhookEnabled: t.boolean({
      description: 'False once the receiver answered 410 Gone; setting `webhookUrl` again turns it back on.',
      resolve: (w) => w.webhookUrl !== null && w.webhookEnabled,
    }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When it was made.',
      resolve: (w) => w.createdAt.toISOString(),
    }),
    lastRunAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it last ran; null before its first run.',
      resolve: (w) => w.lastRunAt?.toISOString() ?? null,
    }),
    nextRunAt: t.field({
      type: 'DateTime',
      description: 'When it runs next.',
      resolve: (w) => w.nextRunAt.toISOString(),
    }),
    lastError: t.string({
      nullable: true,
      description:
        "What went wrong in the last run, or why it was deferred (the watch runs' share of the daily budget spent); null when all went well.",
      resolve: (w) => w.lastError,
    }),
    runCount: t.exposeInt('runCount', { description: 'Runs made so far (deferred ones not counted).' }),
    events: t.field({
      type: WatchEventConnection,
      description: 'Its events, oldest first.',
      args: {
        first: t.arg.int(PAGE_SIZE_ARG),
        after: t.arg.string({ description: 'A cursor from this list.' }),
      },
      resolve: async (w, args, ctx) => {
        const page = await service(ctx).events(w.id, args.first ?? 20, afterSeq('e', args.after));
        return seqConnection('e', page, args.after);
      },
    }),
    deliveries: t.field({
      type: [WebhookDeliveryType],
      description: 'Its latest webhook attempts, newest first: status, duration, error.',
      args: {
        first: t.arg.int(PAGE_SIZE_ARG),
      },
      resolve: (w, args, ctx) => service(ctx).deliveries(w.id, args.first ?? 20),
    }),
  }),
});

const WatchConnection = connectionType<
  Watch,
  {
    edges: { cursor: string; node: Watch }[];
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
    totalCount: number | null;
  }
>('WatchConnection', {
  description: "The caller's watches, oldest first.",
  edge: {
    name: 'WatchEdge',
    description: 'A watch.',
    cursor: 'Pass as `after` for the watches after this one.',
    node: 'The watch.',
  },
  node: WatchNode,
  edges: 'The watches.',
  totalCount: 'Not counted: always null.',
});

builder.queryField('watches', (t) =>
  t.field({
    type: WatchConnection,
    description:
      "The caller's watches (the API key's, or the one anonymous owner's when no keys are configured).",
    args: {
      first: t.arg.int(PAGE_SIZE_ARG),
      after: t.arg.string({ description: 'A cursor from this list.' }),
    },
    resolve: async (_root, args, ctx) => {
      const page = await service(ctx).list(ctx.owner, args.first ?? 20, afterSeq('w', args.after));
      return seqConnection('w', page, args.after);
    },
  }),
);

const WatchInput = builder.inputType('WatchInput', {
  description: 'A saved search and what it alerts on.',
  fields: (t) => ({
    name: t.string({ description: 'A name for people, at most 100 characters.' }),
    filter: t.field({
      type: SearchFilterInput,
      required: true,
      description: 'What to search, as in `search`.',
      validate: searchFilterSchema,
    }),
    priceBelow: t.float({
      description: 'Yuan (monthly rent for RENTAL): alert when a match is at or below it.',
    }),
    priceDropPercent: t.float({
      description: "Alert when a match's price falls by at least this much (percent) between runs.",
    }),
    newListings: t.boolean({ defaultValue: true, description: 'Alert on a match not seen before.' }),
    delistings: t.boolean({ defaultValue: false, description: 'Alert on a match the provider withdrew.' }),
    intervalMinutes: t.int({
      defaultValue: 60,
      description: 'How often it runs; at least WATCH_MIN_INTERVAL_MINUTES (15; 1 in sandbox mode).',
    }),
    webhookUrl: t.string({
      description:
        'https URL to POST each event to, signed per Standard Webhooks; it must resolve to public addresses.',
    }),
  }),
});

function specOf(input: typeof WatchInput.$inferInput): WatchSpec {
  return {
    name: input.name ?? null,
    filter: JSON.parse(JSON.stringify(input.filter)) as WatchSpec['filter'],
    priceBelow: input.priceBelow ?? null,
    priceDropPercent: input.priceDropPercent ?? null,
    newListings: input.newListings ?? true,
    delistings: input.delistings ?? false,
    intervalMinutes: input.intervalMinutes ?? 60,
    webhookUrl: input.webhookUrl ?? null,
  };
}

interface SecretPayload {
  watch: Watch;
  webhookSecret: string | null;
}

const CreateWatchPayload = builder.objectRef<SecretPayload>('CreateWatchPayload').implement({
  description: 'The new watch, and its webhook secret: shown here once, never again.',
  fields: (t) => ({
    watch: t.field({ type: WatchNode, description: 'The watch.', resolve: (p) => p.watch }),
    webhookSecret: t.string({
      nullable: true,
      description:
        'The secret that signs its webhooks (whsec_…), for your receiver. Shown once; null without a webhookUrl.',
      resolve: (p) => p.webhookSecret,
    }),
  }),
});

const RotateSecretPayload = builder.objectRef<SecretPayload>('RotateWebhookSecretPayload').implement({
  description: 'The new webhook secret, shown once; the old one signs nothing from now on.',
  fields: (t) => ({
    watch: t.field({ type: WatchNode, description: 'The watch.', resolve: (p) => p.watch }),
    webhookSecret: t.string({
      description: 'The new secret (whsec_…).',
      resolve: (p) => p.webhookSecret ?? '',
    }),
  }),
});

builder.mutationType({ description: 'Changes: watches.' });

const idArg = (t: { arg: { id: (o: { required: true; description: string }) => never } }) =>
  t.arg.id({ required: true, description: "The watch's id." });

builder.mutationFields((t) => ({
  createWatch: t.field({
    type: CreateWatchPayload,
    description:
      'Save a search that alerts. It runs at once (recording what matches), then every `intervalMinutes`.',
    args: { input: t.arg({ type: WatchInput, required: true, description: 'The watch.' }) },
    resolve: (_root, args, ctx) => mapErrors(() => service(ctx).create(ctx.owner, specOf(args.input))),
  }),
  updateWatch: t.field({
    type: WatchNode,
    description: "Replace a watch's settings. A new filter starts over from a new baseline.",
    args: {
      id: idArg(t as never),
      input: t.arg({ type: WatchInput, required: true, description: 'The watch.' }),
    },
    resolve: async (_root, args, ctx) => {
      const id = watchIdOf(String(args.id));
      const watch = id && (await mapErrors(() => service(ctx).update(ctx.owner, id, specOf(args.input))));
      if (!watch) throw notFound('id');
      return watch;
    },
  }),
  deleteWatch: t.boolean({
    description: 'Delete a watch, its events and its delivery log.',
    args: { id: idArg(t as never) },
    resolve: async (_root, args, ctx) => {
      const id = watchIdOf(String(args.id));
      if (!id || !(await service(ctx).delete(ctx.owner, id))) throw notFound('id');
      return true;
    },
  }),
  runWatch: t.field({
    type: WatchNode,
    description: 'Run a watch now; it counts against the budget like any run.',
    args: { id: idArg(t as never) },
    resolve: async (_root, args, ctx) => {
      const id = watchIdOf(String(args.id));
      const watch = id && (await service(ctx).run(ctx.owner, id));
      if (!watch) throw notFound('id');
      return watch;
    },
  }),
  rotateWebhookSecret: t.field({
    type: RotateSecretPayload,
    description: "Replace a watch's webhook secret; the new one is shown once.",
    args: { id: idArg(t as never) },
    resolve: async (_root, args, ctx) => {
      const id = watchIdOf(String(args.id));
      const rotated = id && (await service(ctx).rotateSecret(ctx.owner, id));
      if (!rotated) throw notFound('id');
      return rotated;
    },
  }),
}));

builder.subscriptionType({ description: 'Live events, over Server-Sent Events.' });

builder.subscriptionField('watchEvents', (t) =>
  t.field({
    type: WatchEventNode,
    description:
      "A watch's events as its runs store them, from any replica. Missed some (a disconnect)? Read `Watch.events(after:)`.",
    args: { watchId: t.arg.id({ required: true, description: "The watch's id." }) },
    subscribe: async (_root, args, ctx) => {
      const id = watchIdOf(String(args.watchId));
      const watches = service(ctx);
      if (!id || !(await watches.get(ctx.owner, id))) throw notFound('watchId');
      return watches.subscribe(id);
    },
    resolve: (event) => event as WatchEvent,
  }),
);
