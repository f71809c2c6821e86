import {
  type BudgetTicket,
  type CircuitState,
  type CircuitStatus,
  type CircuitTicket,
  type Pacer,
  type SharedDailyBudget,
  type SharedDailyShares,
  type SharedState,
  type ShareTicket,
  sharedState,
} from '../state/index.js';
import type { UpstreamError } from './errors.js';
import type { TransportFailures } from './failures.js';
import { sleep } from './sleep.js';
import type { AttemptAllowance, TransportOptions } from './types.js';

/** What an admitted attempt holds: its circuit permit, and what it took of the budgets. */
export interface Pass {
  circuit: CircuitTicket;
}

export type Admitted = { ok: true; pass: Pass; timeoutMs: number } | { ok: false; error: UpstreamError };

/**
 * Whether an attempt may be sent now: the circuit, each client's share of the daily budget, the
 * daily budget, and pacing, each read through shared state (this process, or Redis across
 * replicas). What an attempt took and did not use (a circuit probe, a client's unit, a budget
 * unit, a rate slot) is given back when it is refused further on: only calls made are counted.
 */
export class Admission {
  readonly #pacer: Pacer;
  readonly #budget: SharedDailyBudget | null;
  readonly #shares: SharedDailyShares | null;
  readonly #circuit: CircuitState;

  constructor(
    private readonly options: Pick<
      TransportOptions,
      'provider' | 'rate' | 'dailyBudget' | 'dailyShare' | 'circuit' | 'timeoutMs' | 'state'
    >,
    private readonly failures: TransportFailures,
    now: () => number,
  ) {
    const state: SharedState = options.state ?? sharedState(null);
    const name = options.provider.toLowerCase();
    this.#pacer = state.pacer({ name, ...options.rate });
    this.#budget =
      options.dailyBudget === null ? null : state.dailyBudget({ name, limit: options.dailyBudget, now });
    this.#shares =
      options.dailyBudget === null || !options.dailyShare
        ? null
        : state.dailyShares({
            name,
            fraction: options.dailyShare.fraction,
            dailyBudget: options.dailyBudget,
            now,
          });
    this.#circuit = state.circuit({ name, ...options.circuit, now });
  }

  get circuitState(): CircuitStatus {
    return this.#circuit.status();
  }

  get budgetRemaining(): number | null {
    return this.#budget?.remaining() ?? null;
  }

  /** Waits for a rate slot when one comes before the deadline; `closed` is asked again after the wait. */
  async admit(
    endpoint: string,
    deadlineAt: number,
    signal: AbortSignal | undefined,
    payer: string | null,
    closed: () => boolean,
    allowance: AttemptAllowance | null = null,
  ): Promise<Admitted> {
    const { failures } = this;
    if (closed()) return { ok: false, error: failures.closed(endpoint) };
    if (signal?.aborted) return { ok: false, error: failures.aborted(endpoint) };

    // Fail fast, before taking anything or queueing for a rate slot that would be wasted anyway.
    const circuit = await this.#circuit.acquire();
    if (!circuit.permit) return { ok: false, error: failures.circuitOpen(endpoint, circuit.retryAfterMs) };
    let share: ShareTicket | null = null;
    let budget: BudgetTicket | null = null;
    let allowed = false;
    const undo = async (error: UpstreamError): Promise<Admitted> => {
      if (allowed) allowance?.giveBack(failures.provider);
      await Promise.all([
        this.#circuit.release(circuit),
        share && this.#shares?.giveBack(share),
        budget && this.#budget?.refund(budget),
      ]);
      return { ok: false, error };
    };

    if (payer !== null && this.#shares) {
      share = await this.#shares.tryTake(payer);
      if (!share) return undo(failures.shareSpent(this.#shares.perClient, this.#shares.fraction));
    }
    // The work under way (a watch run) may have its own bound: its cap, the watch runs' share.
    if (allowance) {
      if (!(await allowance.take(failures.provider))) return undo(failures.allowanceSpent(allowance.refusal));
      allowed = true;
    }
    if (this.#budget) {
      budget = await this.#budget.tryConsume();
      if (!budget) return undo(failures.budgetSpent(this.#budget.limit));
    }
    const reservation = await this.#pacer.reserve(deadlineAt - performance.now());
    if (!reservation.granted) return undo(failures.noRateSlot(endpoint, reservation.waitMs));
    const unpace = async (error: UpstreamError) => {
      await this.#pacer.refund(reservation);
      return undo(error);
    };
    if (reservation.waitMs > 0 && !(await sleep(reservation.waitMs, signal))) {
      return unpace(failures.aborted(endpoint));
    }
    const timeoutMs = Math.min(this.options.timeoutMs, deadlineAt - performance.now());
    if (closed()) return unpace(failures.closed(endpoint));
    if (timeoutMs <= 0) return unpace(failures.outOfTime(endpoint));
    return { ok: true, pass: { circuit }, timeoutMs };
  }

  /** The provider answered (whatever it said): the circuit counts it as reachable. */
  reached(pass: Pass): Promise<void> {
    return this.#circuit.recordSuccess(pass.circuit);
  }

  /** The provider could not be reached, or said it is unavailable. */
  failed(pass: Pass): Promise<void> {
    return this.#circuit.recordFailure(pass.circuit);
  }

  /** The caller gave up: the attempt says nothing about the provider. */
  release(pass: Pass): Promise<void> {
    return this.#circuit.release(pass.circuit);
  }
}
