import { AsyncLocalStorage } from 'node:async_hooks';
import type { ProviderName } from '../domain/listing.js';
import type { AttemptAllowance } from '../http/transport.js';
import type { BudgetTicket, SharedDailyBudget } from '../state/index.js';

/**
 * What watch runs may spend upstream: each run at most WATCH_MAX_CALLS_PER_RUN attempts, and all
 * runs together at most WATCH_BUDGET_SHARE of each provider's daily budget (counted on Redis when
 * replicas share one, so the share holds across them). The transport asks before every attempt,
 * retries included, so neither bound can be passed; an attempt not sent is given back.
 */

export interface WatchShare {
  /** Calls per China day all watch runs may make, per provider. */
  readonly limits: ReadonlyMap<ProviderName, number>;
  readonly fraction: number;
  budget(provider: ProviderName): SharedDailyBudget | undefined;
}

export class RunAllowance implements AttemptAllowance {
  used = 0;
  refusal = '';
  /** Providers whose share was spent during this run. */
  readonly shareSpent = new Set<ProviderName>();
  capReached = false;
  readonly #tickets = new Map<ProviderName, BudgetTicket[]>();

  constructor(
    readonly maxCalls: number,
    private readonly share: WatchShare,
  ) {}

  async take(provider: ProviderName): Promise<boolean> {
    if (this.used >= this.maxCalls) {
      this.capReached = true;
      this.refusal = `a watch run makes at most ${this.maxCalls} upstream calls (WATCH_MAX_CALLS_PER_RUN)`;
      return false;
    }
    const budget = this.share.budget(provider);
    if (budget) {
      const ticket = await budget.tryConsume();
      if (!ticket) {
        this.shareSpent.add(provider);
        this.refusal = shareMessage(provider, this.share);
        return false;
      }
      const held = this.#tickets.get(provider) ?? [];
      held.push(ticket);
      this.#tickets.set(provider, held);
    }
    this.used += 1;
    return true;
  }

  giveBack(provider: ProviderName): void {
    this.used = Math.max(0, this.used - 1);
    const ticket = this.#tickets.get(provider)?.pop();
    if (ticket) void this.share.budget(provider)?.refund(ticket);
  }
}

export function shareMessage(provider: ProviderName, share: WatchShare): string {
  const limit = share.limits.get(provider) ?? 0;
  return `the watch runs' share of ${provider}'s daily budget (${limit} calls, ${Math.round(share.fraction * 100)}%, WATCH_BUDGET_SHARE) is spent until midnight China time`;
}

const current = new AsyncLocalStorage<RunAllowance>();

/** The allowance of the watch run this code runs for; null outside any (the transport reads it). */
export function currentRunAllowance(): RunAllowance | null {
  return current.getStore() ?? null;
}

export function withinRun<T>(allowance: RunAllowance, work: () => Promise<T>): Promise<T> {
  return current.run(allowance, work);
}
