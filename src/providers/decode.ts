import type { Logger } from 'pino';
import { z } from 'zod';
import type { ProviderName } from '../domain/listing.js';

/**
 * Lenient building blocks for decoding provider bodies. Both providers change shape without
 * notice: numbers arrive as strings, lists as comma strings. An optional field that still fails
 * becomes null and is recorded, so the listing comes through and the drift is noticed.
 */

const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export const looseNumber = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(NUMERIC)
      .transform((s) => Number(s)),
  ])
  .pipe(z.number().finite());

export const looseInt = looseNumber.pipe(z.number().int());

export const looseString = z.union([z.string(), z.number().transform((n) => String(n))]);

const TRUE_WORDS = new Set(['true', '1', 'yes', '是', '有']);
const FALSE_WORDS = new Set(['false', '0', 'no', '否', '无']);

export const looseBoolean = z.union([
  z.boolean(),
  z
    .number()
    .refine((n) => n === 0 || n === 1)
    .transform((n) => n === 1),
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((s) => TRUE_WORDS.has(s) || FALSE_WORDS.has(s))
    .transform((s) => TRUE_WORDS.has(s)),
]);

/** An array of strings, or one string separated by ASCII/full-width commas or 、. */
export const stringList = z.union([
  z.array(looseString),
  z.string().transform((s) =>
    s
      .split(/[,，、]/)
      .map((part) => part.trim())
      .filter(Boolean),
  ),
]);

/**
 * A JSON object (not an array, not null) as a record: what `z.record(z.string(), z.unknown())`
 * accepts, handed back as it is. zod's record copies the object key by key (about 10 µs for 60
 * keys), and the decoders ask it of every item of every answer only to read from it.
 */
export const jsonRecord = {
  safeParse(value: unknown): { success: true; data: Record<string, unknown> } | { success: false } {
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? { success: true, data: value as Record<string, unknown> }
      : { success: false };
  },
};

export interface DecodeProblem {
  field: string;
  reason: string;
}

type ProblemListener = (provider: ProviderName, endpoint: string, field: string) => void;
const listeners = new Set<ProblemListener>();

/** Metrics subscribe here; it is called once per field that failed to decode. */
export function onDecodeProblem(listener: ProblemListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export interface DriftCount {
  provider: ProviderName;
  endpoint: string;
  field: string;
  count: number;
}

/**
 * Decode drift since start, by provider, endpoint and field: what /metrics exposes and /ready
 * summarises, so that the first live day shows which assumptions about a contract were wrong.
 * Field names can come from the provider (infoList labels): past `maxKeys` keys they count as "other".
 */
export class DecodeDriftTally {
  readonly #counts = new Map<string, DriftCount>();
  readonly #stop: () => void;

  constructor(private readonly maxKeys = 500) {
    this.#stop = onDecodeProblem((provider, endpoint, field) => {
      let key = `${provider}|${endpoint}|${field}`;
      if (!this.#counts.has(key) && this.#counts.size >= this.maxKeys) {
        key = `${provider}|${endpoint}|other`;
        field = 'other';
      }
      const entry = this.#counts.get(key) ?? { provider, endpoint, field, count: 0 };
      entry.count++;
      this.#counts.set(key, entry);
    });
  }

  counts(): DriftCount[] {
    return [...this.#counts.values()].map((c) => ({ ...c }));
  }

  /** The total and the most frequent fields, for a readiness body. */
  summary(top = 10): { total: number; top: DriftCount[] } {
    const all = this.counts().sort((a, b) => b.count - a.count);
    return { total: all.reduce((n, c) => n + c.count, 0), top: all.slice(0, top) };
  }

  close(): void {
    this.#stop();
  }
}

/** Collects the optional fields of one record that failed to decode. */
export class DecodeReport {
  readonly problems: DecodeProblem[] = [];

  constructor(
    readonly provider: ProviderName,
    readonly endpoint: string,
    readonly id?: string,
  ) {}

  /** Absent, null and "" are simply missing; anything else that does not parse is a problem. */
  field<T>(field: string, schema: z.ZodType<T>, raw: unknown): T | null {
    if (raw === undefined || raw === null || raw === '') return null;
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    this.record(field, parsed.error.issues[0]?.message ?? 'invalid');
    return null;
  }

  record(field: string, reason: string): void {
    this.problems.push({ field, reason });
    for (const listener of listeners) listener(this.provider, this.endpoint, field);
  }

  /**
   * Logs field names and reasons only: values could be anything the provider sent. The logger is
   * the provider's own, which already names it.
   */
  flush(logger: Logger | undefined): void {
    if (this.problems.length === 0 || !logger) return;
    logger.warn(
      { endpoint: this.endpoint, id: this.id, problems: this.problems },
      'provider fields failed to decode',
    );
  }
}
