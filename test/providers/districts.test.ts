import { beforeEach, describe, expect, it } from 'vitest';
import { DISTRICTS } from '../../src/domain/districts.js';
import { normaliseCommunity } from '../../src/providers/beike/normaliser.js';
import {
  beikeSearchSupport,
  DISTRICT_TOKEN,
  districtToken,
  resaleCondition,
} from '../../src/providers/beike/params.js';
import { DecodeReport, onDecodeProblem } from '../../src/providers/decode.js';
import { fangSearchSupport, searchParams } from '../../src/providers/fang/params.js';
import { districtIdOf } from '../../src/providers/wording.js';
import { BEIKE_DISTRICT_IDS, parseCondition } from '../../src/sandbox/beike/condition.js';
import { CITY_GEO } from '../../src/sandbox/data/geography.js';
import { searchQuery } from '../support/search-query.js';

/** Districts as each provider takes them (issues 11 and 19): GB/T codes in, each provider's own form out. */

describe('Beike: d<id> with its own district ids', () => {
  it('sends the district first, as Beike’s own id, not the GB/T code', () => {
    expect(resaleCondition(searchQuery({ districtIds: ['110105'], bedrooms: [2] }))).toBe('d23008613l2');
    expect(resaleCondition(searchQuery({ districtIds: ['110108'], keyword: '中关村' }))).toBe(
      'd23008618rs中关村',
    );
  });

  it('has an id for every GB/T district of every city, and no id twice', () => {
    for (const d of DISTRICTS) expect(DISTRICT_TOKEN.get(d.id), d.id).toBeDefined();
    const ids = [...DISTRICT_TOKEN.values()].map((t) => t.token);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('marks the ids without public evidence as assumed', () => {
    expect(DISTRICT_TOKEN.get('110105')?.confirmed).toBe(true);
    expect(DISTRICT_TOKEN.get('440106')?.confirmed).toBe(false);
    expect(DISTRICT_TOKEN.get('310151')).toEqual({ token: '310230', confirmed: false });
  });

  it('agrees with the ids the sandbox serves, for every district it generates', () => {
    for (const city of CITY_GEO)
      for (const d of city.districts)
        expect(DISTRICT_TOKEN.get(d.code)?.token, d.code).toBe(BEIKE_DISTRICT_IDS[d.code]);
  });

  it('cannot narrow to several districts upstream: it declares them for the gateway to filter', () => {
    expect(districtToken(['110105', '110108'])).toBeUndefined();
    const support = beikeSearchSupport(searchQuery({ districtIds: ['110105', '110108'] }));
    expect(support.ignoredFilters).toContain('districtIds');
    expect(beikeSearchSupport(searchQuery({ districtIds: ['110105'] })).ignoredFilters).toEqual([]);
  });

  it('the sandbox reads the region token, with or without its bizcircle part, once at most', () => {
    expect(parseCondition('d23008613l2')).toMatchObject({ ok: true, condition: { district: '23008613' } });
    expect(parseCondition('d23008613b611100355')).toMatchObject({
      ok: true,
      condition: { district: '23008613' },
    });
    expect(parseCondition('d1d2')).toMatchObject({ ok: false });
  });
});

describe('Beike community lists: district_id checked against the table', () => {
  const seen: string[] = [];
  const stop = onDecodeProblem((provider, endpoint, field) => seen.push(`${provider}|${endpoint}|${field}`));
  const raw = (districtId: string) =>
    ({
      communityId: '1111027379646',
      cityId: '110000',
      name: '双裕花园西区',
      district: '顺义',
      districtId,
      subdistrict: null,
    }) as unknown as Parameters<typeof normaliseCommunity>[0];

  it('counts drift when Beike names a district by an id the table gives to another', () => {
    const report = new DecodeReport('BEIKE', 'community/list');
    expect(normaliseCommunity(raw('23008624'), '110000', new Date(), report).districtId).toBe('110113');
    expect(seen).toEqual([]);
    normaliseCommunity(raw('23008613'), '110000', new Date(), report);
    expect(seen).toEqual(['BEIKE|community/list|district_id']);
    stop();
  });
});

describe('Fang: region as GB/T codes, one level after another', () => {
  it('sends city,district', () => {
    expect(searchParams(searchQuery({ districtIds: ['110105'] }), 1, 20).region).toBe('110000,110105');
    expect(searchParams(searchQuery(), 1, 20).region).toBe('110000');
  });

  it('cannot send two districts: declared for the gateway to filter', () => {
    const support = fangSearchSupport(searchQuery({ districtIds: ['110105', '110108'] }));
    expect(support.ignoredFilters).toContain('districtIds');
  });
});

describe('district wording', () => {
  const seen: string[] = [];
  const stop = onDecodeProblem((provider, endpoint, field) => seen.push(`${provider}|${endpoint}|${field}`));
  beforeEach(() => {
    seen.length = 0;
  });

  it('reads each provider’s wording as the one GB/T district (西湖区 = 西湖, 西城区 = 西城)', () => {
    const report = new DecodeReport('FANG', 'item_search');
    expect(districtIdOf('330100', '西湖区', report)).toBe('330106');
    expect(districtIdOf('330100', '西湖', report)).toBe('330106');
    expect(districtIdOf('110000', '西城', report)).toBe('110102');
    expect(districtIdOf('110000', '西城区', report)).toBe('110102');
    expect(seen).toEqual([]);
  });

  it('gives null for wording that names no district, and counts it as drift, never a guess', () => {
    const report = new DecodeReport('FANG', 'item_search');
    expect(districtIdOf('110000', '西湖', report, 'region')).toBeNull();
    expect(districtIdOf('110000', '朝阳新城', report, 'region')).toBeNull();
    expect(seen).toEqual(['FANG|item_search|region', 'FANG|item_search|region']);
    // Absent wording is simply unknown.
    expect(districtIdOf('110000', null, report)).toBeNull();
    expect(seen).toHaveLength(2);
    stop();
  });
});
