import { describe, expect, it } from 'vitest';
import { CITIES } from '../../src/domain/cities.js';
import { DISTRICTS, districtsOf, findDistrict } from '../../src/domain/districts.js';
import { compareDistricts } from '../../src/matching/index.js';
import { CITY_GEO } from '../../src/sandbox/data/geography.js';

describe('GB/T 2260 districts', () => {
  it('has unique codes inside each city and a list for every city', () => {
    expect(new Set(DISTRICTS.map((d) => d.id)).size).toBe(DISTRICTS.length);
    for (const city of CITIES) {
      const districts = districtsOf(city.id);
      expect(districts.length).toBeGreaterThan(5);
      // A municipality's districts share its province code, a prefecture's its own four digits.
      const prefix = city.id.endsWith('0000') ? city.id.slice(0, 2) : city.id.slice(0, 4);
      for (const d of districts) expect(d.id.startsWith(prefix), d.id).toBe(true);
    }
  });

  it('reads either provider wording, and never guesses', () => {
    expect(findDistrict('330100', '西湖区')?.id).toBe('330106');
    expect(findDistrict('330100', '西湖')?.id).toBe('330106');
    expect(findDistrict('330100', ' 西湖　')?.id).toBe('330106');
    expect(findDistrict('310000', '浦东')?.name).toBe('浦东新区');
    expect(findDistrict('510100', '简阳')?.name).toBe('简阳市');
    expect(findDistrict('330100', '西湖风景区')).toBeUndefined();
    expect(findDistrict('110000', '西湖区')).toBeUndefined();
    expect(findDistrict('110000', '')).toBeUndefined();
  });

  it('names every district the sandbox generates', () => {
    for (const geo of CITY_GEO) {
      for (const d of geo.districts) {
        expect(findDistrict(geo.cityId, d.name)?.id).toBe(d.code);
        expect(findDistrict(geo.cityId, d.fullName)?.id).toBe(d.code);
      }
    }
  });

  it('compares wordings as places', () => {
    expect(compareDistricts('110000', '西城区', '西城')).toBe('AGREE');
    expect(compareDistricts('110000', '西城区', '东城')).toBe('CONFLICT');
    expect(compareDistricts('110000', '西城区', null)).toBe('UNKNOWN');
    // Unknown wordings still compare by stem: they can disagree, they cannot be given a code.
    expect(compareDistricts('110000', '亦庄开发区', '亦庄开发')).toBe('AGREE');
    expect(compareDistricts('110000', '亦庄开发区', '西城')).toBe('CONFLICT');
  });
});
