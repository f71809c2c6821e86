import { districtById } from '../../domain/districts.js';

/**
 * What the generated data is made of, per city: real districts (with their GB/T 2260 codes, which
 * Fang's `region` parameter uses) and a few real 板块 each, price bands in yuan/m² per district,
 * and the words community names are built from. The city list itself is src/domain/cities.ts.
 */

export interface DistrictGeo {
  code: string;
  /** As Fang's region text says it: "朝阳". */
  name: string;
  /** As Beike's community line says it: "朝阳区". */
  fullName: string;
  subdistricts: readonly string[];
  /** Resale unit price band, yuan/m². */
  unitPrice: readonly [number, number];
}

export interface CityGeo {
  cityId: string;
  centre: { lat: number; lng: number };
  districts: readonly DistrictGeo[];
  /** First halves of community names: developers and place words heard in that city. */
  nameRoots: readonly string[];
  /** Beike houseCode prefix (4 digits) and Fang id city digit. */
  beikePrefix: string;
  fangDigit: string;
}

/** A district of the domain's GB/T table, with what the sandbox adds to it. */
const d = (code: string, subdistricts: string[], unitPrice: [number, number]): DistrictGeo => {
  const district = districtById(code);
  if (!district) throw new Error(`the sandbox names district ${code}, unknown to src/domain/districts.ts`);
  return { code, name: district.shortName, fullName: district.name, subdistricts, unitPrice };
};

export const CITY_GEO: readonly CityGeo[] = [
  {
    cityId: '110000',
    centre: { lat: 39.9042, lng: 116.4074 },
    beikePrefix: '1011',
    fangDigit: '3',
    districts: [
      d('110101', ['东直门', '安定门', '崇文门'], [85_000, 115_000]),
      d('110102', ['西单', '德胜门', '月坛'], [95_000, 120_000]),
      d('110105', ['望京', '国贸', '酒仙桥', '亚运村'], [60_000, 95_000]),
      d('110108', ['中关村', '五道口', '西二旗'], [75_000, 110_000]),
      d('110106', ['方庄', '丽泽', '马家堡'], [50_000, 70_000]),
      d('110112', ['通州北苑', '梨园', '果园'], [42_000, 58_000]),
      d('110113', ['后沙峪', '顺义城', '马坡'], [35_000, 50_000]),
      d('110114', ['回龙观', '天通苑', '北七家'], [40_000, 56_000]),
    ],
    nameRoots: [
      '望京',
      '华润',
      '万科',
      '远洋',
      '金隅',
      '首开',
      '保利',
      '中海',
      '龙湖',
      '珠江',
      '富力',
      '阳光',
      '和平',
      '建外',
      '育新',
      '金地',
    ],
  },
  {
    cityId: '310000',
    centre: { lat: 31.2304, lng: 121.4737 },
    beikePrefix: '1071',
    fangDigit: '5',
    districts: [
      d('310115', ['陆家嘴', '张江', '花木', '联洋'], [65_000, 110_000]),
      d('310104', ['徐家汇', '田林', '康健'], [85_000, 120_000]),
      d('310106', ['静安寺', '大宁', '曹家渡'], [90_000, 130_000]),
      d('310105', ['古北', '中山公园', '天山'], [80_000, 115_000]),
      d('310112', ['莘庄', '七宝', '春申'], [50_000, 75_000]),
      d('310110', ['五角场', '新江湾城', '黄兴公园'], [65_000, 90_000]),
      d('310107', ['长寿路', '真如', '长风'], [60_000, 85_000]),
    ],
    nameRoots: [
      '仁恒',
      '绿城',
      '世茂',
      '新湖',
      '万科',
      '中远',
      '汤臣',
      '东方',
      '梅陇',
      '春江',
      '金桥',
      '上海',
      '明园',
      '锦绣',
      '古北',
      '华府',
    ],
  },
  {
    cityId: '440100',
    centre: { lat: 23.1291, lng: 113.2644 },
    beikePrefix: '1081',
    fangDigit: '7',
    districts: [
      d('440106', ['珠江新城', '天河北', '龙口'], [55_000, 80_000]),
      d('440104', ['东山口', '淘金', '北京路'], [45_000, 70_000]),
      d('440105', ['江南西', '琶洲', '滨江东'], [40_000, 65_000]),
      d('440113', ['市桥', '祈福', '大石'], [25_000, 40_000]),
      d('440111', ['白云大道北', '同和', '金沙洲'], [30_000, 45_000]),
      d('440112', ['科学城', '萝岗', '大沙地'], [30_000, 45_000]),
    ],
    nameRoots: [
      '保利',
      '富力',
      '碧桂园',
      '合生',
      '雅居乐',
      '星河湾',
      '珠江',
      '华景',
      '锦城',
      '汇景',
      '翠湖',
      '丽江',
      '金碧',
      '广州',
    ],
  },
  {
    cityId: '440300',
    centre: { lat: 22.5431, lng: 114.0579 },
    beikePrefix: '1051',
    fangDigit: '8',
    districts: [
      d('440305', ['科技园', '蛇口', '前海', '后海'], [75_000, 110_000]),
      d('440304', ['香蜜湖', '景田', '车公庙'], [70_000, 105_000]),
      d('440303', ['东门', '翠竹', '黄贝岭'], [50_000, 75_000]),
      d('440306', ['宝安中心', '西乡', '新安'], [50_000, 75_000]),
      d('440307', ['坂田', '布吉', '大运'], [40_000, 58_000]),
      d('440309', ['民治', '红山', '龙华中心'], [45_000, 65_000]),
    ],
    nameRoots: [
      '华侨城',
      '万科',
      '招商',
      '中海',
      '鸿荣源',
      '星河',
      '卓越',
      '深业',
      '桃源',
      '半岛',
      '蔚蓝',
      '翠海',
      '东海',
      '天健',
    ],
  },
  {
    cityId: '330100',
    centre: { lat: 30.2741, lng: 120.1551 },
    beikePrefix: '1031',
    fangDigit: '6',
    districts: [
      d('330106', ['文教区', '古荡', '翠苑'], [45_000, 70_000]),
      d('330102', ['钱江新城', '南星', '四季青'], [50_000, 70_000]),
      d('330105', ['大关', '运河', '申花'], [38_000, 55_000]),
      d('330108', ['长河', '西兴', '浦沿'], [45_000, 65_000]),
      d('330110', ['未来科技城', '良渚', '临平'], [28_000, 45_000]),
      d('330109', ['钱江世纪城', '市心', '湘湖'], [25_000, 40_000]),
    ],
    nameRoots: [
      '绿城',
      '滨江',
      '万科',
      '金地',
      '中海',
      '西溪',
      '钱塘',
      '湖滨',
      '桂花',
      '翠苑',
      '蓝庭',
      '杭州',
      '丹桂',
      '紫金',
    ],
  },
  {
    cityId: '510100',
    centre: { lat: 30.5728, lng: 104.0668 },
    beikePrefix: '1061',
    fangDigit: '9',
    districts: [
      d('510104', ['春熙路', '东大街', '攀成钢'], [20_000, 35_000]),
      d('510107', ['桐梓林', '玉林', '红牌楼'], [18_000, 30_000]),
      d('510105', ['金沙', '宽窄巷子', '光华'], [18_000, 30_000]),
      d('510108', ['建设路', '万年场', '二仙桥'], [14_000, 22_000]),
      d('510106', ['茶店子', '营门口', '万达广场'], [14_000, 22_000]),
      d('510116', ['航空港', '东升', '蛟龙港'], [12_000, 20_000]),
    ],
    nameRoots: [
      '蓝光',
      '万科',
      '保利',
      '中海',
      '华润',
      '龙湖',
      '置信',
      '麓山',
      '锦城',
      '芙蓉',
      '浣花',
      '望江',
      '府河',
      '南湖',
    ],
  },
];

/** Second halves of community names. */
export const NAME_STYLES = [
  '花园',
  '家园',
  '嘉园',
  '新城',
  '雅苑',
  '名苑',
  '公馆',
  '小区',
  '国际',
  '华府',
  '壹号',
  '新村',
  '里',
  '城',
];
export const NAME_PARTS = [
  '',
  '',
  '',
  '一区',
  '二区',
  '三区',
  '东区',
  '西区',
  '南区',
  '北区',
  '一期',
  '二期',
];

/**
 * Listings and communities are dated relative to this fixed day, not to "now": the data must not
 * change from one day to the next. It is about two years after seed 000's listing date.
 */
export const REFERENCE_DATE_MS = Date.UTC(2026, 10, 1);
export const LISTING_AGE_DAYS = 730;

const byId = new Map(CITY_GEO.map((c) => [c.cityId, c]));
export function cityGeo(cityId: string): CityGeo | undefined {
  return byId.get(cityId);
}
