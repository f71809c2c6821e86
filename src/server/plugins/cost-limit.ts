import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ClientRegistry } from '../clients.js';
import { callerOf, exchangeOf } from '../exchange.js';
import type { RefusalLog } from '../refusal-log.js';
import { currentRequestScope } from '../request-scope.js';
import { limitError } from '../results.js';
import { type CostProviders, upstreamCost } from '../upstream-cost.js';

/**
 * Refuses, before execution, an operation whose worst-case upstream calls (src/server/upstream-cost.ts)
 * exceed the per-request limit or its client's whole per-minute budget (400 COST_LIMIT_EXCEEDED), or
 * whose client has spent its per-minute budget (429 RATE_LIMITED, Retry-After). The operations of
 * one batched request add up.
 * The budget is then charged what the operation actually sent upstream (the request scope counts
 * it; retries included, since each is paid): an answer served from cache costs nothing, so paging
 * back and forth over cached pages never runs a client out of budget.
 */
export function useCostLimit(options: {
  maxCost: number;
  providers: CostProviders;
  registry: ClientRegistry;
  refusals: RefusalLog;
}): Plugin {
  const spentByExchange = new WeakMap<object, number>();
  // Upstream calls of a request already charged: a batch's operations share one scope.
  const chargedByScope = new WeakMap<object, number>();
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const cost = upstreamCost({
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
      const budget = caller?.cost;
      // The worst case guards the request (above); the budget only has to be not yet spent, since
      // it is charged what the request really calls (often nothing: the caches answer).
      const taken = budget?.check(1, options.registry.now()) ?? { ok: true };
      if (!taken.ok) {
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
      if (exchange) spentByExchange.set(exchange, spent + cost);
      if (!budget) return;
      const scope = currentRequestScope();
      if (scope && !chargedByScope.has(scope)) chargedByScope.set(scope, scope.upstreamCalls);
      return {
        onExecuteDone() {
          // Outside a request scope (library use) the worst case is all that is known.
          let spentNow = cost;
          if (scope) {
            const charged = chargedByScope.get(scope) ?? 0;
            spentNow = scope.upstreamCalls - charged;
            chargedByScope.set(scope, scope.upstreamCalls);
          }
          budget.charge(spentNow, options.registry.now());
        },
      };
    },
  };
}
