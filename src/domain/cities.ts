import type { ProviderName } from './listing.js';

export interface City {
  /** GB/T 2260 code: the province code for the four municipalities, the prefecture code otherwise. */
  id: string;
  name: string;
  pinyin: string;
  /** Beike's URL abbreviation (m.ke.com/{abbr}/…). */
  beikeAbbr: string;
  providers: readonly ProviderName[];
}

export const CITIES: readonly City[] = [
  { id: '110000', name: '北京', pinyin: 'Beijing', beikeAbbr: 'bj', providers: ['BEIKE', 'FANG'] },
  { id: '310000', name: '上海', pinyin: 'Shanghai', beikeAbbr: 'sh', providers: ['BEIKE', 'FANG'] },
  { id: '440100', name: '广州', pinyin: 'Guangzhou', beikeAbbr: 'gz', providers: ['BEIKE', 'FANG'] },
  { id: '440300', name: '深圳', pinyin: 'Shenzhen', beikeAbbr: 'sz', providers: ['BEIKE', 'FANG'] },
  { id: '330100', name: '杭州', pinyin: 'Hangzhou', beikeAbbr: 'hz', providers: ['BEIKE', 'FANG'] },
  { id: '510100', name: '成都', pinyin: 'Chengdu', beikeAbbr: 'cd', providers: ['BEIKE', 'FANG'] },
];

const byId = new Map(CITIES.map((c) => [c.id, c]));

export function findCity(id: string): City | undefined {
  return byId.get(id);
}
