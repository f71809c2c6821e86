import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Listing, ProviderName } from '../domain/listing.js';
import type { Logger } from '../logger.js';
import type { ListingProvider } from '../providers/provider.js';
import { planSearch, type SearchRequest, searchQueryOf } from '../search/plan.js';
import { canonical } from '../store/canonical.js';
import { scheduleRetention } from '../store/history/retention.js';
import type { HistoryDatabase } from '../store/history/schema.js';
import { type CacheSettings, ListingStore } from '../store/listing-store.js';
import { RunAllowance, shareMessage, type WatchShare, withinRun } from './allowance.js';
import type { WatchEventBus } from './bus.js';
import { collectMatches } from './collect.js';
import { delistedHomes, detectChanges, homesOf, seenKey } from './detect.js';
import {
  priceOf,
  type Watch,
  type WatchEvent,
  WatchInputError,
  WatchLimitError,
  type WatchSpec,
  type WebhookDelivery,
} from './model.js';
import * as repo from './repo.js';
import type { WatchScheduler } from './scheduler.js';
import { checkWebhookUrl, WebhookUrlError, webhookDispatcher } from './ssrf.js';
import { newWebhookSecret, sendWebhook, type WebhookSettings } from './webhooks.js';

export interface WatchSettings {
  /** WATCHES_PER_CLIENT. */
  perClient: number;
  /** WATCH_MAX_CALLS_PER_RUN. */
  maxCallsPerRun: number;
  /** WATCH_MIN_INTERVAL_MINUTES (1 in sandbox mode). */
  minIntervalMinutes: number;
  /** How long a "minute" of intervalMinutes is: 60 000 ms; tests compress it (WATCH_MINUTE_MS). */
  minuteMs: number;
  /** WATCH_EVENT_RETENTION_DAYS. */
  eventRetentionDays: number;
  /** How often old events are pruned; every 6 hours, and once a minute after start (tests shorten it). */
  pruneEveryMs?: number;
  webhook: WebhookSettings & {
    /** How often due webhook attempts are looked for (they are also tried right after a run). */
    sweepMs: number;
  };
}

export interface WatchServiceOptions {
  db: Kysely<HistoryDatabase>;
  providers: ReadonlyMap<ProviderName, ListingProvider>;
  cache: CacheSettings;
  settings: WatchSettings;
  share: WatchShare;
  bus: WatchEventBus;
  scheduler: WatchScheduler;
  logger: Logger;
}

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
}

const MAX_INTERVAL_MINUTES = 7 * 24 * 60;
/**
 * A webhook attempt's claim: another replica leaves the event alone this long after the holder's
 * last heartbeat. Renewed every third of it while the receiver is awaited, so a slow receiver
 * (up to WEBHOOK_TIMEOUT_MS) keeps its one attempt, and a dead replica's attempt is taken over
 * within a lease and a sweep instead of after the whole webhook timeout.
 */
const LEASE_MS = 15_000;

/**
 * Watches: saved searches that run on a schedule, compare what matches with what they last saw,
 * store the events that makes, then announce them (subscriptions) and send them (webhooks).
 * Every read and change is by owner: another owner's watch is answered exactly like a missing one.
 */
export class WatchService {
  readonly #o: WatchServiceOptions;
  readonly #dispatcher;
  readonly #sweep: NodeJS.Timeout;
  readonly #stopPruning: () => void;
  #sweeping: Promise<void> | null = null;
  #again = false;
  #closed = false;
  readonly #running = new Set<Promise<unknown>>();
  readonly #subscriptions = new Set<AsyncIterator<WatchEvent>>();

  constructor(options: WatchServiceOptions) {
    this.#o = options;
    this.#dispatcher = webhookDispatcher(
      options.settings.webhook.allowPrivate,
      options.settings.webhook.timeoutMs,
    );
    this.#sweep = setInterval(() => this.kickDeliveries(), options.settings.webhook.sweepMs);
    this.#sweep.unref();
    this.#stopPruning = scheduleRetention(
      () => void this.#track(this.pruneEvents()),
      options.settings.pruneEveryMs,
    );
  }

  get settings(): WatchSettings {
    return this.#o.settings;
  }

  /** Takes scheduled runs, and gives every stored watch a schedule if it has none (after a restart). */
  async start(): Promise<void> {
    await this.#o.scheduler.start((id) => this.#track(this.#runScheduled(id)));
    const rows = await this.#o.db.selectFrom('watch').selectAll().execute();
    for (const row of rows) {
      const watch = repo.watchOf(row);
      await this.#o.scheduler.ensure(watch.id, this.#everyMs(watch), watch.nextRunAt.getTime());
    }
    this.kickDeliveries();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweep);
    this.#stopPruning();
    await this.#o.scheduler.close();
    await Promise.allSettled([...this.#running]);
    await this.#sweeping;
    await this.#o.bus.close();
    await this.#dispatcher.close();
  }

  async get(owner: string, id: string): Promise<Watch | null> {
    const row = await repo.findWatch(this.#o.db, id, owner);
    return row ? repo.watchOf(row) : null;
  }

  async list(owner: string, first: number, afterSeq: string | null): Promise<Page<Watch & { seq: string }>> {
    const rows = await repo.listWatches(this.#o.db, owner, first, afterSeq);
    return {
      items: rows.slice(0, first).map((r) => ({ ...repo.watchOf(r), seq: String(r.seq) })),
      hasNextPage: rows.length > first,
    };
  }

  async create(owner: string, spec: WatchSpec): Promise<{ watch: Watch; webhookSecret: string | null }> {
    this.#validate(spec);
    const id = randomUUID();
    const now = new Date();
    const secret = spec.webhookUrl ? newWebhookSecret() : null;
    await this.#o.db.transaction().execute(async (tx) => {
      await repo.lockOwner(tx, owner);
      if ((await repo.countWatches(tx, owner)) >= this.#o.settings.perClient) {
        throw new WatchLimitError(this.#o.settings.perClient);
      }
      await tx
        .insertInto('watch')
        .values({
          id,
          owner,
          settings: JSON.stringify(spec),
          webhook_secret: secret,
          created_at: now,
          // The first run records the baseline at once.
          next_run_at: now,
        })
        .execute();
    });
    const watch = (await this.get(owner, id)) as Watch;
    await this.#o.scheduler.schedule(id, this.#everyMs(watch), now.getTime());
    return { watch, webhookSecret: secret };
  }

  async update(owner: string, id: string, spec: WatchSpec): Promise<Watch | null> {
    this.#validate(spec);
    const before = await this.get(owner, id);
    if (!before) return null;
    const nextRunAt = new Date(
      (before.lastRunAt?.getTime() ?? Date.now()) + spec.intervalMinutes * this.#o.settings.minuteMs,
    );
    const filterChanged = sameSearchKey(before.filter) !== sameSearchKey(spec.filter);
    await this.#o.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('watch')
        .set({
          settings: JSON.stringify(spec),
          next_run_at: nextRunAt,
          // A URL set again is tried again, also after a 410; a secret is made for a first URL.
          ...(spec.webhookUrl ? { webhook_enabled: true } : {}),
          // A new filter matches other listings: the next run records a new baseline.
          ...(filterChanged ? { baseline_at: null } : {}),
        })
        .where('id', '=', id)
        .where('owner', '=', owner)
        .execute();
      if (filterChanged) await tx.deleteFrom('watch_seen').where('watch_id', '=', id).execute();
      if (spec.webhookUrl) {
        await tx
          .updateTable('watch')
          .set({ webhook_secret: newWebhookSecret() })
          .where('id', '=', id)
          .where('webhook_secret', 'is', null)
          .execute();
      }
    });
    const watch = (await this.get(owner, id)) as Watch;
    await this.#o.scheduler.schedule(id, this.#everyMs(watch), Math.max(Date.now(), nextRunAt.getTime()));
    return watch;
  }

  /** A new secret for the watch's webhook, shown once; the old one stops signing at once. */
  async rotateSecret(owner: string, id: string): Promise<{ watch: Watch; webhookSecret: string } | null> {
    const secret = newWebhookSecret();
    const result = await this.#o.db
      .updateTable('watch')
      .set({ webhook_secret: secret })
      .where('id', '=', id)
      .where('owner', '=', owner)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return null;
    return { watch: (await this.get(owner, id)) as Watch, webhookSecret: secret };
  }

  async delete(owner: string, id: string): Promise<boolean> {
    const result = await this.#o.db
      .deleteFrom('watch')
      .where('id', '=', id)
      .where('owner', '=', owner)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) return false;
    await this.#o.scheduler.remove(id);
    return true;
  }

  /**
   * Deletes events older than WATCH_EVENT_RETENTION_DAYS that no webhook attempt awaits. Any
   * replica may do it, at any time: deleting what another already deleted deletes nothing.
   */
  async pruneEvents(at = Date.now()): Promise<number> {
    const before = new Date(at - this.#o.settings.eventRetentionDays * 86_400_000);
    try {
      const deleted = await repo.pruneEvents(this.#o.db, before);
      if (deleted > 0) this.#o.logger.info({ deleted, before }, 'watch event retention pruned events');
      return deleted;
    } catch (error) {
      this.#o.logger.warn({ err: { message: (error as Error).message } }, 'watch event retention failed');
      return 0;
    }
  }

  /** runWatch: now, counted like any run. */
  async run(owner: string, id: string): Promise<Watch | null> {
    const watch = await this.get(owner, id);
    if (!watch) return null;
    await this.#track(this.#runOnce(watch));
    return this.get(owner, id);
  }

  async events(
    watchId: string,
    first: number,
    afterSeq: string | null,
  ): Promise<Page<WatchEvent & { seq: string }>> {
    const rows = await repo.listEvents(this.#o.db, watchId, first, afterSeq);
    return {
      items: rows.slice(0, first).map((r) => ({ ...repo.eventOf(r), seq: String(r.seq) })),
      hasNextPage: rows.length > first,
    };
  }

  async event(owner: string, id: string): Promise<WatchEvent | null> {
    const row = await repo.findEvent(this.#o.db, id, owner);
    return row ? repo.eventOf(row) : null;
  }

  deliveries(watchId: string, first: number): Promise<WebhookDelivery[]> {
    return repo.listDeliveries(this.#o.db, watchId, first);
  }

  /** The caller must have checked ownership (the schema does, before subscribing). */
  subscribe(watchId: string): AsyncIterable<WatchEvent> {
    const iterator = this.#o.bus.subscribe(watchId)[Symbol.asyncIterator]();
    this.#subscriptions.add(iterator);
    const forget = () => this.#subscriptions.delete(iterator);
    return {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          const step = await iterator.next();
          if (step.done) forget();
          return step;
        },
        return: async (value?: unknown) => {
          forget();
          return (await iterator.return?.(value)) ?? { done: true, value: undefined };
        },
      }),
    };
  }

  /** Ends every open subscription of this process (at shutdown: they would hold the drain). */
  endSubscriptions(): void {
    for (const iterator of this.#subscriptions) void iterator.return?.();
    this.#subscriptions.clear();
  }

  #validate(spec: WatchSpec): void {
    const { settings } = this.#o;
    const min = settings.minIntervalMinutes;
    if (
      !Number.isInteger(spec.intervalMinutes) ||
      spec.intervalMinutes < min ||
      spec.intervalMinutes > MAX_INTERVAL_MINUTES
    ) {
      throw new WatchInputError(
        'input.intervalMinutes',
        `must be a whole number of minutes from ${min} (WATCH_MIN_INTERVAL_MINUTES) to ${MAX_INTERVAL_MINUTES}`,
      );
    }
    if (spec.name !== null && spec.name.length > 100)
      throw new WatchInputError('input.name', 'must be at most 100 characters');
    if (spec.priceBelow !== null && !(spec.priceBelow >= 0 && spec.priceBelow <= 1e12)) {
      throw new WatchInputError('input.priceBelow', 'must be from 0 to 10^12 yuan');
    }
    if (spec.priceDropPercent !== null && !(spec.priceDropPercent > 0 && spec.priceDropPercent <= 100)) {
      throw new WatchInputError('input.priceDropPercent', 'must be above 0 and at most 100');
    }
    if (spec.webhookUrl !== null) {
      try {
        checkWebhookUrl(spec.webhookUrl, settings.webhook.allowPrivate);
      } catch (error) {
        if (error instanceof WebhookUrlError) throw new WatchInputError('input.webhookUrl', error.message);
        throw error;
      }
    }
    // Which providers can serve the filter is the search's own rule; no provider is called.
    const store = new ListingStore(this.#o.providers, this.#o.cache);
    planSearch(
      store,
      searchQueryOf(spec.filter as SearchRequest, 'RELEVANCE'),
      (spec.filter.providers as ProviderName[] | null | undefined) ?? null,
    );
  }

  #everyMs(watch: Pick<Watch, 'intervalMinutes'>): number {
    return watch.intervalMinutes * this.#o.settings.minuteMs;
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#running.add(work);
    void work.finally(() => this.#running.delete(work)).catch(() => undefined);
    return work;
  }

  async #runScheduled(id: string): Promise<void> {
    if (this.#closed) return;
    const row = await repo.findWatch(this.#o.db, id);
    if (!row) {
      await this.#o.scheduler.remove(id);
      return;
    }
    try {
      await this.#runOnce(repo.watchOf(row));
    } catch (error) {
      this.#o.logger.warn({ watch: id, err: { message: (error as Error).message } }, 'watch run failed');
    }
  }

  /**
   * One run: search (within the run's upstream allowance), confirm the absentees that may be gone,
   * then in one transaction, holding the watch's row, compare with what it last saw, store the
   * events and the new view. Two runs of one watch at once (a manual run during a scheduled
   * one) thus make each event once. Announcing and sending come after the commit.
   */
  async #runOnce(watch: Watch): Promise<void> {
    const { settings, share } = this.#o;
    const allowance = new RunAllowance(settings.maxCallsPerRun, share);
    // Each run reads afresh; within a run a page is read once.
    const store = new ListingStore(this.#o.providers, {
      ...this.#o.cache,
      listTtlMs: 3_600_000,
      detailTtlMs: 3_600_000,
    });
    const seenBefore = await repo.readSeen(this.#o.db, watch.id);
    const known = new Map<string, Listing>();
    for (const [key, seen] of seenBefore) if (seen.detail) known.set(key, seen.detail);
    const collected = await withinRun(allowance, () => collectMatches(store, watch.filter, known));
    const now = new Date();
    const next = new Date(now.getTime() + this.#everyMs(watch));

    const deferred = collected.listings.length === 0 && allowance.used === 0 && allowance.shareSpent.size > 0;
    if (deferred) {
      const providers = [...allowance.shareSpent];
      const message = `Deferred: ${providers.map((p) => shareMessage(p, share)).join('; ')}. Next try at ${next.toISOString()}.`;
      await this.#o.db
        .updateTable('watch')
        .set({ last_error: message, next_run_at: next })
        .where('id', '=', watch.id)
        .execute();
      return;
    }

    // Absent from a complete read: withdrawn, or no longer matching. Only the detail tells.
    const found = new Set(collected.listings.map(seenKey));
    const gone: Listing[] = [];
    const left: Listing[] = [];
    for (const [key, seen] of seenBefore) {
      if (found.has(key) || !collected.complete.has(seen.listing.provider)) continue;
      try {
        const detail = await withinRun(allowance, () =>
          store.detail({
            provider: seen.listing.provider,
            sourceId: seen.listing.sourceId,
            cityId: seen.listing.cityId,
          }),
        );
        if (detail.value === null || detail.value.isActive === false) gone.push(seen.listing);
        else left.push(seen.listing);
      } catch {
        // Unknown for now (a failure, or the allowance is spent): asked again next run.
      }
    }

    // Homes, not listings: the search's collapse this run, and the homes stored for what was seen.
    const storedHomes = new Map<string, string>();
    for (const [key, seen] of seenBefore) if (seen.home !== null) storedHomes.set(key, seen.home);
    const homeOf = homesOf(collected.twins, storedHomes);
    const problems = describeProblems(collected.failures, allowance, share);
    let events: WatchEvent[] = [];
    await this.#o.db.transaction().execute(async (tx) => {
      const row = await repo.lockWatch(tx, watch.id);
      if (!row) return;
      const current = repo.watchOf(row);
      const seen = await repo.readSeen(tx, watch.id);
      const changes = detectChanges(
        seen,
        collected.listings,
        {
          priceBelow: current.priceBelow,
          priceDropPercent: current.priceDropPercent,
          newListings: current.newListings,
          baseline: row.baseline_at === null,
        },
        homeOf,
      );
      const at = now.toISOString();
      events = changes.map((c) => ({
        id: `evt_${randomUUID()}`,
        watchId: watch.id,
        kind: c.kind,
        at,
        listing: c.listing,
        previousPrice: c.previousPrice,
        price: c.price,
      }));
      if (current.delistings) {
        const known = [...found, ...seen.keys()];
        for (const listing of delistedHomes(
          gone.filter((l) => seen.has(seenKey(l))),
          known,
          homeOf,
        )) {
          events.push({
            id: `evt_${randomUUID()}`,
            watchId: watch.id,
            kind: 'DELISTED',
            at,
            listing,
            previousPrice: seen.get(seenKey(listing))?.price ?? null,
            price: null,
          });
        }
      }
      const delivery = current.webhookUrl && row.webhook_enabled ? 'PENDING' : 'NONE';
      await repo.insertEvents(tx, events, delivery, now);
      await repo.saveSeen(
        tx,
        watch.id,
        collected.listings.map((listing) => ({
          listing,
          price: priceOf(listing),
          home: homeOf(seenKey(listing)),
          detail: collected.details.get(seenKey(listing)) ?? null,
        })),
      );
      await repo.forgetSeen(tx, watch.id, [...gone, ...left]);
      await tx
        .updateTable('watch')
        .set((eb) => ({
          baseline_at: row.baseline_at ?? now,
          last_run_at: now,
          next_run_at: next,
          last_error: problems,
          run_count: eb('run_count', '+', 1),
        }))
        .where('id', '=', watch.id)
        .execute();
    });
    this.#o.logger.debug(
      { watch: watch.id, calls: allowance.used, matches: collected.listings.length, events: events.length },
      'watch run',
    );
    for (const event of events) this.#o.bus.publish(event);
    if (events.length > 0) this.kickDeliveries();
  }

  /** Sends what is due; one sweep at a time in this process, another right after if asked meanwhile. */
  kickDeliveries(): void {
    if (this.#closed) return;
    if (this.#sweeping) {
      this.#again = true;
      return;
    }
    this.#sweeping = this.#deliverDue()
      .catch((error: unknown) =>
        this.#o.logger.warn({ err: { message: (error as Error).message } }, 'webhook sweep failed'),
      )
      .finally(() => {
        this.#sweeping = null;
        if (this.#again) {
          this.#again = false;
          this.kickDeliveries();
        }
      });
  }

  async #deliverDue(): Promise<void> {
    const { db } = this.#o;
    for (;;) {
      if (this.#closed) return;
      const now = new Date();
      const claim = randomUUID();
      const due = await repo.claimDue(db, claim, now, new Date(now.getTime() + LEASE_MS), 20);
      if (due.length === 0) return;
      const inFlight = new Set(due.map((row) => row.id));
      const heartbeat = setInterval(() => {
        repo
          .renewClaims(db, claim, [...inFlight], new Date(Date.now() + LEASE_MS))
          .catch((error: unknown) =>
            this.#o.logger.warn(
              { err: { message: (error as Error).message } },
              'webhook lease renewal failed',
            ),
          );
      }, LEASE_MS / 3);
      heartbeat.unref();
      try {
        await Promise.all(due.map((row) => this.#attempt(row, claim).finally(() => inFlight.delete(row.id))));
      } finally {
        clearInterval(heartbeat);
      }
    }
  }

  async #attempt(row: Awaited<ReturnType<typeof repo.claimDue>>[number], claim: string): Promise<void> {
    const { db, settings } = this.#o;
    const delays = settings.webhook.retryDelaysMs;
    const spec = (typeof row.settings === 'string' ? JSON.parse(row.settings) : row.settings) as WatchSpec;
    const event = repo.eventOf(row);
    const attempt = row.attempts + 1;
    if (!spec.webhookUrl || !row.webhook_secret || !row.webhook_enabled) {
      await db
        .updateTable('watch_event')
        .set({ delivery: 'FAILED', next_attempt_at: null })
        .where('id', '=', row.id)
        .execute();
      return;
    }
    // Which replica attempts what: an operator (and the replica-death test) can tell.
    this.#o.logger.debug({ watch: row.watch_id, event: event.id, attempt }, 'webhook attempt');
    const outcome = await sendWebhook(this.#dispatcher, settings.webhook, {
      url: spec.webhookUrl,
      secret: row.webhook_secret,
      messageId: event.id,
      body: JSON.stringify({
        type: `watch.${event.kind.toLowerCase()}`,
        timestamp: event.at,
        data: event,
      }),
    });
    const retry = outcome.verdict === 'RETRY' && attempt <= delays.length;
    const state = outcome.verdict === 'DELIVERED' ? 'DELIVERED' : retry ? 'PENDING' : 'FAILED';
    await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('watch_delivery')
        .values({
          watch_id: row.watch_id,
          event_id: event.id,
          attempt,
          at: new Date(),
          status: outcome.status,
          duration_ms: outcome.durationMs,
          error: outcome.error,
        })
        .execute();
      await tx
        .updateTable('watch_event')
        .set({
          delivery: state,
          attempts: attempt,
          next_attempt_at: retry ? new Date(Date.now() + (delays[attempt - 1] ?? 0)) : null,
          claim: null,
        })
        .where('id', '=', row.id)
        // A claim lost meanwhile (this process stalled past its lease) is another's now.
        .where('claim', '=', claim)
        .execute();
      if (outcome.verdict === 'GONE') {
        await tx
          .updateTable('watch')
          .set({ webhook_enabled: false })
          .where('id', '=', row.watch_id)
          .execute();
        await tx
          .updateTable('watch_event')
          .set({ delivery: 'FAILED', next_attempt_at: null })
          .where('watch_id', '=', row.watch_id)
          .where('delivery', '=', 'PENDING')
          .execute();
      }
    });
    if (retry) {
      const wait = delays[attempt - 1] ?? 0;
      setTimeout(() => this.kickDeliveries(), wait + 5).unref();
    }
  }
}

/** Two filters that mean one search compare equal, whatever their key order or spelled-out defaults. */
function sameSearchKey(filter: WatchSpec['filter']): string {
  return canonical({
    query: searchQueryOf(filter as SearchRequest, 'RELEVANCE'),
    providers: filter.providers ?? [],
  });
}

function describeProblems(
  failures: readonly { provider: ProviderName; message: string }[],
  allowance: RunAllowance,
  share: WatchShare,
): string | null {
  const parts: string[] = [];
  for (const provider of allowance.shareSpent)
    parts.push(`Partly deferred: ${shareMessage(provider, share)}`);
  if (allowance.capReached) {
    parts.push(
      `Stopped at ${allowance.maxCalls} upstream calls (WATCH_MAX_CALLS_PER_RUN): matches beyond were not compared this run`,
    );
  }
  for (const failure of failures) {
    if (failure.message.includes('WATCH_MAX_CALLS_PER_RUN') || failure.message.includes('WATCH_BUDGET_SHARE'))
      continue;
    parts.push(`${failure.provider}: ${failure.message}`);
  }
  return parts.length > 0 ? parts.join('. ') : null;
}
