import { describe, expect, it } from 'vitest';
import { fangSignature, signParams } from '../../../src/providers/fang/sign.js';

// Expected digests computed outside the code under test, e.g.
//   echo -n 'api_nameitem_searchcacheyeskeyfang_api_89abcdefpage_num1q北京朝阳 三居室result_typejsonfang_secret_12345678' | md5sum
describe('fangSignature', () => {
  it('signs the raw values, sorted by name, with the secret appended (known MD5)', () => {
    const params = {
      result_type: 'json',
      q: '北京朝阳 三居室',
      key: 'fang_api_89abcdef',
      page_num: '1',
      cache: 'yes',
      api_name: 'item_search',
      region: '',
      sign: 'ignored',
    };
    expect(fangSignature(params, 'fang_secret_12345678')).toBe('36bafe8f72e432a6bd5422805b588992');
  });

  it('sorts by ASCII code, capitals before lower case (not locale order)', () => {
    // echo -n 'A1B2a3secret' | md5sum
    expect(fangSignature({ a: '3', B: '2', A: '1' }, 'secret')).toBe('7aa2cc3133803bb066b1f19176fc0069');
  });

  it('is the MD5 of the secret alone when no parameter is set', () => {
    // echo -n 'abcdef' | md5sum
    expect(fangSignature({ q: '' }, 'abcdef')).toBe('e80b5017098950fc58aad83c8c14978e');
  });
});

describe('signParams', () => {
  it('drops empty values, adds sign, never sends the secret', () => {
    const sent = signParams({ q: '北京朝阳 三居室', region: '', sign: 'stale' }, 'fang_secret_12345678');
    expect(Object.keys(sent).sort()).toEqual(['q', 'sign']);
    expect(sent.sign).toMatch(/^[0-9a-f]{32}$/);
    expect(sent.sign).toBe(fangSignature({ q: '北京朝阳 三居室' }, 'fang_secret_12345678'));
    expect(Object.values(sent).join('')).not.toContain('fang_secret_12345678');
  });
});
