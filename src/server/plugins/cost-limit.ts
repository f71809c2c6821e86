import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { callerOf, exchangeOf } from '../exchange.js';
import type { RefusalLog } from '../refusal-log.js';
import { limitError } from '../results.js';
import { type CostProviders, upstreamCost } from '../upstream-cost.js';

/**
 * Refuses, before execution, an operation whose worst-case upstream calls (src/server/upstream-cost.ts)
 * exceed the per-request limit (400 COST_LIMIT_EXCEEDED) or what its client has left of its
 * per-minute budget (429 RATE_LIMITED, Retry-After). The operations of one batched request add up.
 */
export function useCostLimit(options: {
  maxCost: number;
  providers: CostProviders;
  refusals: RefusalLog;
}): Plugin {
  const spentByExchange = new WeakMap<object, number>();
  return {
    async onExecute({ args, setResultAndStopExecution }) {
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
      // Counted before the (possibly remote) take: a batch's operations run side by side.
      if (exchange) spentByExchange.set(exchange, spent + cost);
      const taken = (await caller?.cost?.take(cost)) ?? { ok: true };
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
    },
  };
}
