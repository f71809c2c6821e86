/**
 * The `wrongTypes` fault: the real answer with its envelope and ids intact and every other field
 * of the wrong type (numbers as objects or words, strings as numbers, arrays as numbers…), the
 * drift a lenient decoder must survive.
 */

/** Left exactly as they are: envelopes and ids. */
const KEEP = new Set([
  'code',
  'message',
  'recordTime',
  'requestId',
  'errno',
  'error',
  'request_id',
  'error_response',
  'houseCode',
  'communityId',
  'cityId',
  'agentUcid',
  'community_id',
  'house_id',
  'house_code',
  'item_id',
  'error_code',
]);

/** Walked into rather than replaced: the path from the envelope down to the ids. */
const CONTAINERS = new Set([
  'data',
  'list',
  'basicInfo',
  'verificationInfo',
  'item_search_response',
  'item_get_response',
  'houses',
  'house',
  'items',
  'item',
]);

export function mangleJson(json: unknown): unknown {
  let turn = 0;
  const leaf = (value: unknown): unknown => {
    turn++;
    if (typeof value === 'number') return [{ value }, '面议', [value]][turn % 3];
    if (typeof value === 'string') return [value.length, { text: value }][turn % 2];
    if (typeof value === 'boolean') return value ? 'yes' : 'no';
    if (Array.isArray(value)) return value.length;
    if (value && typeof value === 'object') return '[object]';
    return value;
  };
  const walk = (value: unknown, key: string | null): unknown => {
    if (key !== null && KEEP.has(key)) return value;
    if (key === null || CONTAINERS.has(key)) {
      if (Array.isArray(value)) return value.map((item) => walk(item, null));
      if (value && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
      }
      return key === null ? value : leaf(value);
    }
    return leaf(value);
  };
  return walk(json, null);
}
