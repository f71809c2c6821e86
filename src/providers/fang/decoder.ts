import { z } from 'zod';
import { jsonRecord, looseBoolean, looseInt, looseNumber, looseString } from '../decode.js';
import { parseDate, parseElevator, parseYear } from '../wording.js';

/**
 * The envelopes Fang answers in. Two are accepted: the seed's own
 * (`item_search_response` / `item_get_response` / `error_response`) and, tolerantly, the generic
 * one of the reseller onebound (`items` / `item` / `error_code`, "0000" = success). Houses stay
 * untyped records here: the normaliser reads each field leniently and reports what fails.
 */

export type RawHouse = Record<string, unknown>;

export interface RawSearchPage {
  houses: RawHouse[];
  total: number | null;
  hasNext: boolean | null;
}

export interface FangErrorBody {
  code: string | null;
  subCode: string | null;
  message: string | null;
}

export type Decoded<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'error'; error: FangErrorBody }
  | { kind: 'unusable'; reason: string };

const record = jsonRecord;
const optionalText = looseString.nullish().catch(null);

const errorResponse = z.object({
  error_response: z.object({ code: optionalText, msg: optionalText, sub_code: optionalText }),
});

const oneboundStatus = z.object({
  error_code: optionalText,
  error: optionalText,
  reason: optionalText,
});
const ONEBOUND_SUCCESS = '0000';

/** The id is the one field a house cannot do without; onebound's generic names are accepted too. */
export function houseId(house: RawHouse): string | null {
  for (const name of ['house_id', 'item_id', 'num_iid']) {
    const parsed = looseString.safeParse(house[name]);
    if (parsed.success && parsed.data.trim() !== '') return parsed.data.trim();
  }
  return null;
}

/** The error an envelope carries, or null when it carries none (whatever else it is). */
export function decodeError(json: unknown): FangErrorBody | null {
  const seed = errorResponse.safeParse(json);
  if (seed.success) {
    const { code, msg, sub_code } = seed.data.error_response;
    return { code: code ?? null, subCode: sub_code ?? null, message: msg ?? null };
  }
  const onebound = oneboundStatus.safeParse(json);
  if (!onebound.success) return null;
  const { error_code, error, reason } = onebound.data;
  const failed =
    (error_code != null && error_code.trim() !== '' && error_code.trim() !== ONEBOUND_SUCCESS) ||
    (error_code == null && !!error?.trim() && !hasOneboundData(json));
  if (!failed) return null;
  return { code: error_code?.trim() || null, subCode: null, message: reason || error || null };
}

function hasOneboundData(json: unknown): boolean {
  const parsed = record.safeParse(json);
  return parsed.success && (parsed.data.items != null || parsed.data.item != null);
}

/** A list that may come as an array, a single object, or nothing at all. */
const houseList = z
  .union([z.array(z.unknown()), z.record(z.string(), z.unknown()), z.null(), z.literal('')])
  .optional()
  .transform((v): RawHouse[] => {
    if (Array.isArray(v)) return v.filter((h): h is RawHouse => record.safeParse(h).success);
    return v && typeof v === 'object' ? [v] : [];
  });

const seedSearch = z.object({
  item_search_response: z.object({
    houses: z.union([
      z.object({ house: houseList, total: z.unknown().optional(), has_next: z.unknown().optional() }),
      z
        .array(z.unknown())
        .transform((house) => ({ house: houseList.parse(house), total: null, has_next: null })),
    ]),
  }),
});

const oneboundSearch = z.object({
  items: z.object({
    item: houseList,
    total_results: z.unknown().optional(),
    has_next: z.unknown().optional(),
    page: z.unknown().optional(),
    page_size: z.unknown().optional(),
  }),
});

export function decodeSearch(json: unknown): Decoded<RawSearchPage> {
  const error = decodeError(json);
  if (error) return { kind: 'error', error };

  const seed = seedSearch.safeParse(json);
  if (seed.success) {
    const { house, total, has_next } = seed.data.item_search_response.houses;
    return {
      kind: 'ok',
      value: { houses: house, total: lenient(looseInt, total), hasNext: lenient(looseBoolean, has_next) },
    };
  }
  const onebound = oneboundSearch.safeParse(json);
  if (onebound.success) {
    const { item, total_results, has_next, page, page_size } = onebound.data.items;
    const total = lenient(looseInt, total_results);
    const pageNum = lenient(looseInt, page);
    const pageSize = lenient(looseInt, page_size);
    const derived =
      total !== null && pageNum !== null && pageSize !== null ? pageNum * pageSize < total : null;
    return {
      kind: 'ok',
      value: { houses: item, total, hasNext: lenient(looseBoolean, has_next) ?? derived },
    };
  }
  return { kind: 'unusable', reason: 'no item_search_response or items in the body' };
}

/** ok with null when the envelope says there is no such house. */
export function decodeItem(json: unknown): Decoded<RawHouse | null> {
  const error = decodeError(json);
  if (error) return { kind: 'error', error };

  const body = record.safeParse(json);
  if (!body.success) return { kind: 'unusable', reason: 'the body is not an object' };
  const seed = record.safeParse(body.data.item_get_response);
  const holder = seed.success ? seed.data.house : body.data.item;
  if (!seed.success && !('item' in body.data)) {
    return { kind: 'unusable', reason: 'no item_get_response or item in the body' };
  }
  if (holder == null || holder === '' || (Array.isArray(holder) && holder.length === 0)) {
    return { kind: 'ok', value: null };
  }
  const house = record.safeParse(holder);
  if (!house.success || Array.isArray(holder))
    return { kind: 'unusable', reason: 'the house is not an object' };
  if (Object.keys(house.data).length === 0) return { kind: 'ok', value: null };
  if (houseId(house.data) === null) return { kind: 'unusable', reason: 'the house has no id' };
  return { kind: 'ok', value: house.data };
}

function lenient<T>(schema: z.ZodType<T>, raw: unknown): T | null {
  const parsed = schema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** Fang's field schemas: what one field of a house may hold, read leniently (DecodeReport). */

/** A number, maybe with its unit: 860, "860", "860万", "5500元/月", "67188元/㎡". */
const AMOUNT = /^\s*(\d+(?:\.\d+)?)\s*(万元?|元)?\s*(?:\/\s*(?:月|㎡|平方?米?|m²|m2))?\s*$/;
export type Amount = { value: number; unit: 'wan' | 'yuan' | null };
export const amount: z.ZodType<Amount> = z.union([
  z
    .number()
    .finite()
    .nonnegative()
    .transform((value): Amount => ({ value, unit: null })),
  z
    .string()
    .regex(AMOUNT)
    .transform((s): Amount => {
      const m = s.match(AMOUNT);
      const unit = m?.[2];
      return { value: Number(m?.[1]), unit: unit ? (unit.startsWith('万') ? 'wan' : 'yuan') : null };
    }),
]);

const AREA = /^\s*(\d+(?:\.\d+)?)\s*(?:㎡|平方米|平米|m²|m2)?\s*$/;
export const area = z.union([
  z.number().finite().positive(),
  z
    .string()
    .regex(AREA)
    .transform((s) => Number(s.match(AREA)?.[1])),
]);

export const dateText = looseString
  .refine((s) => parseDate(s) !== null, 'not a date')
  .transform((s) => parseDate(s) ?? '');
export const yearText = looseString
  .refine((s) => parseYear(s) !== null, 'not a year')
  .transform((s) => parseYear(s) ?? 0);
export const elevatorText = z
  .union([z.boolean(), looseString])
  .refine((v) => typeof v === 'boolean' || parseElevator(v) !== null, 'not yes/no')
  .transform((v) => (typeof v === 'boolean' ? v : parseElevator(v) === true));
export const httpUrl = z
  .string()
  .trim()
  .pipe(z.url({ protocol: /^https?$/ }));
export const latitude = looseNumber.pipe(z.number().min(-90).max(90));
export const longitude = looseNumber.pipe(z.number().min(-180).max(180));

export const image = z.union([
  httpUrl.transform((url) => ({ url, type: null as string | null })),
  z
    .object({ url: httpUrl, type: looseString.nullish() })
    .transform(({ url, type }) => ({ url, type: type ?? null })),
]);
export const rawAgent = z.object({
  agent_id: looseString.refine((s) => s.trim() !== '', 'empty id'),
  name: z.string().min(1),
  phone: looseString.nullish().catch(null),
  company: z.string().nullish().catch(null),
});
