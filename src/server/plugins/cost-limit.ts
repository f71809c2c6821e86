import { type DocumentNode, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { BoundedMemo } from '../../domain/memo.js';
import { callerOf, exchangeOf } from '../exchange.js';
import type { RefusalLog } from '../refusal-log.js';
import { currentRequestScope } from '../request-scope.js';
import { limitError } from '../results.js';
import { type CostInput, type CostProviders, upstreamCost } from '../upstream-cost.js';

/**
 * Refuses, before execution, an operation whose worst-case upstream calls (src/server/upstream-cost.ts)
 * exceed the per-request limit or its client's whole per-minute budget (400 COST_LIMIT_EXCEEDED), or
 * whose client has spent its per-minute budget (429 RATE_LIMITED, Retry-After). The operations of
 * one batched request add up. The worst case guards the request; the budget is charged what the
 * operation actually sent upstream (the request scope counts it; retries included, since each is
 * paid): an answer served from cache costs nothing, so paging back and forth over cached pages never
 * runs a client out. Requests side by side can overdraw it by their worst cases at most.
 */
export function useCostLimit(options: {
  maxCost: number;
  providers: CostProviders;
  refusals: RefusalLog;
}): Plugin {
  const spentByExchange = new WeakMap<object, number>();
  // Upstream calls of a request already charged: a batch's operations share one scope.
  const chargedByScope = new WeakMap<object, number>();
  const costOf = memoisedCost();
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const cost = costOf({
        schema: args.schema,
        document: args.document,
        operationName: args.operationName,
        variables: args.variableValues as Record<string, unknown> | null | undefined,
        providers: options.providers,
      });
      if (cost === 0) return;
      const context = args.contextValue as { req?: unknown; request?: Request };
      const exchange = exchangeOf(context);
      const caller = callerOf(context);
      const perMinute = caller?.cost?.perMinute;
      // A cost above the client's whole minute could never pass: that is a limit, not a wait.
      const limit = perMinute !== undefined ? Math.min(options.maxCost, perMinute) : options.maxCost;
      const spent = (exchange ? spentByExchange.get(exchange) : undefined) ?? 0;
      if (spent + cost > limit) {
        setResultAndStopExecution({
          errors: [
            limitError(
              'COST_LIMIT_EXCEEDED',
              `This request could make up to ${spent + cost} upstream calls; the limit is ${limit}.`,
              { cost: spent + cost, limit },
            ),
          ],
        });
        return;
      }
      // Counted before the (possibly remote) take: a batch's operations run side by side.
      if (exchange) spentByExchange.set(exchange, spent + cost);
      // The budget only has to be unspent: one unit is taken now, and the rest of what the
      // operation really calls is charged once it ran.
      const budget = caller?.cost;
      const scope = currentRequestScope();
      if (scope && !chargedByScope.has(scope)) chargedByScope.set(scope, scope.upstreamCalls);
      const taken = (await budget?.take(1)) ?? { ok: true };
      if (!taken.ok) {
        if (exchange) spentByExchange.set(exchange, (spentByExchange.get(exchange) ?? cost) - cost);
        options.refusals.note(
          'COST_RATE_LIMITED',
          { client: caller?.id, cost },
          'client over its upstream-call budget',
        );
        setResultAndStopExecution({
          errors: [
            new GraphQLError(
              `Upstream-call budget spent: this operation could make up to ${cost} calls, the budget is ${perMinute} per minute.`,
              {
                extensions: {
                  code: 'RATE_LIMITED',
                  cost,
                  retryAfterSeconds: taken.retryAfterSeconds,
                  http: { status: 429, headers: { 'retry-after': String(taken.retryAfterSeconds) } },
                },
              },
            ),
          ],
        });
        return;
      }
      if (!budget) return;
      return {
        onExecuteDone() {
          // Outside a request scope (library use) the worst case is all that is known.
          let spentNow = cost;
          if (scope) {
            spentNow = scope.upstreamCalls - (chargedByScope.get(scope) ?? 0);
            chargedByScope.set(scope, scope.upstreamCalls);
          }
          void budget.adjust(spentNow - 1);
        },
      };
    },
  };
}

/** Variables longer than this are costed on every request rather than remembered. */
const MAX_REMEMBERED_VARIABLES = 2_048;

/**
 * The cost is a function of the document, the operation and the variables alone, and Yoga's
 * parser cache hands every request of one query text the same document: an operation repeated
 * with the same variables is walked once (the walk was 4.7% of the CPU of an uncached 20-listing
 * search, README Performance).
 */
function memoisedCost(): (input: CostInput) => number {
  const byDocument = new WeakMap<DocumentNode, BoundedMemo<number>>();
  return (input) => {
    const key = `${input.operationName ?? ''}\n${JSON.stringify(input.variables ?? {})}`;
    if (key.length > MAX_REMEMBERED_VARIABLES) return upstreamCost(input);
    let costs = byDocument.get(input.document);
    if (!costs) {
      costs = new BoundedMemo<number>(256);
      byDocument.set(input.document, costs);
    }
    return costs.get(key, () => upstreamCost(input));
  };
}
