import { describe, expect, it } from 'vitest';
import { compareNames, readCommunityName } from '../../src/matching/index.js';

const compare = (a: string, b: string) => compareNames(readCommunityName(a), readCommunityName(b));

describe('community names', () => {
  it('reads a core and a part, whatever the spacing, brackets and character widths', () => {
    expect(readCommunityName('远洋雅苑（西区）')).toEqual({
      canonical: '远洋雅苑西区',
      core: '远洋雅苑',
      part: '西区',
    });
    expect(readCommunityName(' 远洋 雅苑 西区 ')).toEqual({
      canonical: '远洋雅苑西区',
      core: '远洋雅苑',
      part: '西区',
    });
    expect(readCommunityName('万科城二期小区')).toEqual({
      canonical: '万科城2期',
      core: '万科城',
      part: '2期',
    });
    expect(readCommunityName('万科城２期')).toEqual({ canonical: '万科城2期', core: '万科城', part: '2期' });
    expect(readCommunityName('双裕小区')).toEqual({ canonical: '双裕', core: '双裕', part: null });
    expect(readCommunityName('龙湖小区南区')).toEqual({ canonical: '龙湖南区', core: '龙湖', part: '南区' });
    expect(readCommunityName('ＡＢＣ公寓')).toEqual({ canonical: 'abc公寓', core: 'abc公寓', part: null });
  });

  it('keeps a name that is nothing but a part or a generic word', () => {
    expect(readCommunityName('西区')).toEqual({ canonical: '西区', core: '西区', part: null });
    expect(readCommunityName('小区').canonical).toBe('');
  });

  it('agrees on variants of one name', () => {
    expect(compare('远洋雅苑西区', '远洋雅苑(西区)').agreement).toBe('EXACT');
    expect(compare('龙湖小区二区', '龙湖(2区)').agreement).toBe('EXACT');
    expect(compare('远洋雅苑西区', '远洋雅苑').agreement).toBe('PART_ON_ONE_SIDE');
    expect(compare('万科嘉园', '万科家园').agreement).toBe('HOMOPHONE');
    expect(compare('梅陇名苑一期', '梅陇名园').agreement).toBe('HOMOPHONE');
  });

  it('tells neighbours apart', () => {
    expect(compare('远洋雅苑西区', '远洋雅苑东区')).toEqual({ agreement: 'DIFFERENT_PART', score: 0 });
    expect(compare('万科花园', '万科家园').agreement).toBe('DIFFERENT');
    expect(compare('万科城', '万科成').agreement).toBe('HOMOPHONE');
    // A shared root is not a shared name, even when the rest sounds alike.
    expect(compare('万科', '万科城').agreement).toBe('DIFFERENT');
    expect(compare('', '万科城').agreement).toBe('DIFFERENT');
  });
});
