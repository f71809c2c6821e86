/**
 * County-level divisions (GB/T 2260) of the cities the API serves: the one home of district names.
 * Providers word a district their own way (西湖区, 西湖; 浦东新区, 浦东): `findDistrict` maps a
 * wording to its code, and gives undefined rather than a guess when none fits.
 */

export interface District {
  /** GB/T 2260 county-level code, e.g. 110105. */
  id: string;
  /** Full official name, e.g. 朝阳区, 浦东新区, 桐庐县, 简阳市. */
  name: string;
  cityId: string;
  /** The name without its 区/新区/县/市 ending, as sites often print it: 朝阳, 浦东. */
  shortName: string;
}

const TABLE: Record<string, readonly (readonly [string, string])[]> = {
  '110000': [
    ['110101', '东城区'],
    ['110102', '西城区'],
    ['110105', '朝阳区'],
    ['110106', '丰台区'],
    ['110107', '石景山区'],
    ['110108', '海淀区'],
    ['110109', '门头沟区'],
    ['110111', '房山区'],
    ['110112', '通州区'],
    ['110113', '顺义区'],
    ['110114', '昌平区'],
    ['110115', '大兴区'],
    ['110116', '怀柔区'],
    ['110117', '平谷区'],
    ['110118', '密云区'],
    ['110119', '延庆区'],
  ],
  '310000': [
    ['310101', '黄浦区'],
    ['310104', '徐汇区'],
    ['310105', '长宁区'],
    ['310106', '静安区'],
    ['310107', '普陀区'],
    ['310109', '虹口区'],
    ['310110', '杨浦区'],
    ['310112', '闵行区'],
    ['310113', '宝山区'],
    ['310114', '嘉定区'],
    ['310115', '浦东新区'],
    ['310116', '金山区'],
    ['310117', '松江区'],
    ['310118', '青浦区'],
    ['310120', '奉贤区'],
    ['310151', '崇明区'],
  ],
  '440100': [
    ['440103', '荔湾区'],
    ['440104', '越秀区'],
    ['440105', '海珠区'],
    ['440106', '天河区'],
    ['440111', '白云区'],
    ['440112', '黄埔区'],
    ['440113', '番禺区'],
    ['440114', '花都区'],
    ['440115', '南沙区'],
    ['440117', '从化区'],
    ['440118', '增城区'],
  ],
  '440300': [
    ['440303', '罗湖区'],
    ['440304', '福田区'],
    ['440305', '南山区'],
    ['440306', '宝安区'],
    ['440307', '龙岗区'],
    ['440308', '盐田区'],
    ['440309', '龙华区'],
    ['440310', '坪山区'],
    ['440311', '光明区'],
  ],
  '330100': [
    ['330102', '上城区'],
    ['330105', '拱墅区'],
    ['330106', '西湖区'],
    ['330108', '滨江区'],
    ['330109', '萧山区'],
    ['330110', '余杭区'],
    ['330111', '富阳区'],
    ['330112', '临安区'],
    ['330113', '临平区'],
    ['330114', '钱塘区'],
    ['330122', '桐庐县'],
    ['330127', '淳安县'],
    ['330182', '建德市'],
  ],
  '510100': [
    ['510104', '锦江区'],
    ['510105', '青羊区'],
    ['510106', '金牛区'],
    ['510107', '武侯区'],
    ['510108', '成华区'],
    ['510112', '龙泉驿区'],
    ['510113', '青白江区'],
    ['510114', '新都区'],
    ['510115', '温江区'],
    ['510116', '双流区'],
    ['510117', '郫都区'],
    ['510118', '新津区'],
    ['510121', '金堂县'],
    ['510129', '大邑县'],
    ['510131', '蒲江县'],
    ['510181', '都江堰市'],
    ['510182', '彭州市'],
    ['510183', '邛崃市'],
    ['510184', '崇州市'],
    ['510185', '简阳市'],
  ],
};

const ENDING = /(新区|区|县|市)$/;

export const DISTRICTS: readonly District[] = Object.entries(TABLE).flatMap(([cityId, rows]) =>
  rows.map(([id, name]) => ({ id, name, cityId, shortName: name.replace(ENDING, '') })),
);

const byId = new Map(DISTRICTS.map((d) => [d.id, d]));
const byCityAndWording = new Map<string, District>();
for (const d of DISTRICTS) {
  byCityAndWording.set(`${d.cityId}|${d.name}`, d);
  byCityAndWording.set(`${d.cityId}|${d.shortName}`, d);
}

export function districtById(id: string): District | undefined {
  return byId.get(id);
}

export function districtsOf(cityId: string): District[] {
  return DISTRICTS.filter((d) => d.cityId === cityId);
}

/**
 * The district a provider's wording names in a city: the full or the short name, with full-width
 * characters and spaces ignored. Anything else is undefined: drift to count, never a guess.
 */
export function findDistrict(cityId: string, wording: string): District | undefined {
  // Most wordings are already a key (normalised, no spaces): the key of a key is itself.
  const exact = byCityAndWording.get(`${cityId}|${wording}`);
  if (exact) return exact;
  const text = wording.normalize('NFKC').replace(/\s+/g, '');
  if (text === '') return undefined;
  return byCityAndWording.get(`${cityId}|${text}`);
}
