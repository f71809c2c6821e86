import { z } from 'zod';
import type { Fault, FaultRule, SandboxProvider } from '../types.js';

/** The fault rules tests install, matched in the order they were added. */

const positiveInt = z.number().int().positive();
const ms = z.number().int().min(0).max(600_000);

const faultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('timeout') }),
  z.object({ kind: z.literal('reset') }),
  z.object({ kind: z.literal('slowBody'), chunkDelayMs: ms }),
  z.object({ kind: z.literal('delay'), ms }),
  z.object({ kind: z.literal('status'), status: z.number().int().min(400).max(599) }),
  z.object({
    kind: z.literal('businessCode'),
    code: z.union([z.number(), z.string().min(1)]),
    httpStatus: z.number().int().min(200).max(599).optional(),
  }),
  z.object({ kind: z.literal('malformedJson') }),
  z.object({
    kind: z.literal('renameField'),
    from: z.string().min(1).max(100),
    to: z.string().min(1).max(100),
  }),
  z.object({ kind: z.literal('html') }),
  z.object({ kind: z.literal('hugeBody'), bytes: positiveInt.max(1024 * 1024 * 1024) }),
  z.object({ kind: z.literal('wrongTypes') }),
]);

export const faultRuleSchema = z.object({
  provider: z.enum(['beike', 'fang']),
  path: z.string().min(1).optional(),
  id: z.string().min(1).optional(),
  times: positiveInt.optional(),
  fault: faultSchema,
});

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

export class FaultBook {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): void {
    const parsed = faultRuleSchema.safeParse(rule);
    if (!parsed.success) throw new Error(`invalid fault rule: ${z.prettifyError(parsed.error)}`);
    const clean = parsed.data as FaultRule;
    this.rules.push({ rule: clean, remaining: clean.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault for this call, if a rule matches; uses up one of the rule's `times`. */
  take(provider: SandboxProvider, path: string, id: string | null): Fault | null {
    const index = this.rules.findIndex(
      ({ rule }) =>
        rule.provider === provider &&
        (rule.path === undefined || trimSlash(rule.path) === path) &&
        (rule.id === undefined || rule.id === id),
    );
    const active = this.rules[index];
    if (!active) return null;
    active.remaining--;
    if (active.remaining <= 0) this.rules.splice(index, 1);
    return active.rule.fault;
  }
}

export function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}
