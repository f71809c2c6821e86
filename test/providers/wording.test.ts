import { describe, expect, it } from 'vitest';
import {
  cleanLabel,
  parseCommunityText,
  parseDate,
  parseDecoration,
  parseElevator,
  parseFloor,
  parseLayout,
  parseOrientations,
  parseYear,
  wanToYuan,
} from '../../src/providers/wording.js';

describe('parseOrientations', () => {
  it.each([
    ['南', ['SOUTH']],
    ['南北', ['SOUTH', 'NORTH']],
    ['东南', ['SOUTHEAST']],
    ['东南 西北', ['SOUTHEAST', 'NORTHWEST']],
    ['南/北', ['SOUTH', 'NORTH']],
    ['东西', ['EAST', 'WEST']],
    ['朝南', ['SOUTH']],
    ['', []],
  ])('%s', (text, expected) => {
    expect(parseOrientations(text)).toEqual(expected);
  });
});

describe('parseFloor', () => {
  it.each([
    ['顶层(共4层)', 'TOP', 4],
    ['顶层/4层', 'TOP', 4],
    ['中层/共18层', 'MIDDLE', 18],
    ['中楼层(共18层)', 'MIDDLE', 18],
    ['低楼层 (共6层)', 'LOW', 6],
    ['高楼层(共33层)', 'HIGH', 33],
    ['底层(共6层)', 'BOTTOM', 6],
    ['地下室(共6层)', 'BASEMENT', 6],
    ['3/18层', 'LOW', 18],
    ['18/18层', 'TOP', 18],
  ])('%s', (text, level, total) => {
    expect(parseFloor(text)).toEqual({ level, total });
  });
  it('unknown wording gives nulls', () => {
    expect(parseFloor('看房方便')).toEqual({ level: null, total: null });
  });
});

describe('small parsers', () => {
  it('converts 万 to yuan exactly', () => {
    expect(wanToYuan(235)).toBe(2_350_000);
    expect(wanToYuan(235.5)).toBe(2_355_000);
    expect(wanToYuan(0.07)).toBe(700);
  });
  it('reads decoration words', () => {
    expect(parseDecoration('精装')).toBe('FULL');
    expect(parseDecoration('简装')).toBe('SIMPLE');
    expect(parseDecoration('毛坯')).toBe('ROUGH');
    expect(parseDecoration('其他')).toBeNull();
  });
  it('reads layouts', () => {
    expect(parseLayout('1室1厅')).toEqual({ bedrooms: 1, livingRooms: 1, bathrooms: null, text: '1室1厅' });
    expect(parseLayout('3室2厅2卫')).toEqual({
      bedrooms: 3,
      livingRooms: 2,
      bathrooms: 2,
      text: '3室2厅2卫',
    });
    expect(parseLayout('别墅')).toBeNull();
  });
  it('reads dates and rejects impossible ones', () => {
    expect(parseDate('2024.11.05')).toBe('2024-11-05');
    expect(parseDate('2026-10-08 09:12:00')).toBe('2026-10-08');
    expect(parseDate('2024年1月5日')).toBe('2024-01-05');
    expect(parseDate('2024.02.30')).toBeNull();
    expect(parseDate('soon')).toBeNull();
  });
  it('reads years, elevators, labels and community text', () => {
    expect(parseYear('2003年建成')).toBe(2003);
    expect(parseYear('unknown')).toBeNull();
    expect(parseElevator('无')).toBe(false);
    expect(parseElevator('有')).toBe(true);
    expect(parseElevator('暂无数据')).toBeNull();
    expect(cleanLabel('挂牌：')).toBe('挂牌');
    expect(cleanLabel('挂牌:')).toBe('挂牌');
    expect(parseCommunityText('双裕花园西区 (顺义区-后沙峪)')).toEqual({
      name: '双裕花园西区',
      district: '顺义区',
      subdistrict: '后沙峪',
    });
    expect(parseCommunityText('望京西园（朝阳）')).toEqual({
      name: '望京西园',
      district: '朝阳',
      subdistrict: null,
    });
  });
});
