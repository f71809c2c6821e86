import { findCity } from '../../domain/cities.js';
import type { FangHouseRecord } from '../data/records.js';
import { Rng } from '../random.js';
import { DECORATION_TEXT, FANG_SUPPORT_TEXT, layoutText } from '../wording.js';

/** Fang's house objects: the item_search fields, and item_get's fuller one. */

const FACILITY_TEXT = { METRO: '地铁', SCHOOL: '学校', HOSPITAL: '医院' } as const;

export function searchHouse(house: FangHouseRecord): Record<string, unknown> {
  const layout = layoutText(house.bedrooms, house.halls);
  const supports = house.amenities.map((a) => FANG_SUPPORT_TEXT[a]);
  const rent = house.houseType === 'rent';
  return {
    house_id: house.houseId,
    house_name: `${house.buildingName} ${layout} ${house.area}平米`,
    building_name: house.buildingName,
    region: `${findCity(house.cityId)?.name ?? ''},${house.district},${house.subdistrict}`,
    house_type: house.houseType,
    house_style: layout,
    price: rent ? house.monthlyRent : house.priceWan,
    ...(rent ? {} : { unit_price: house.unitPrice }),
    area: house.area,
    decoration: DECORATION_TEXT[house.decoration],
    support: house.wire.supportAsString ? supports.join(',') : supports,
    publish_time: house.publishTime,
    transaction_status: rent ? '出租中' : '在售',
  };
}

export function detailHouse(house: FangHouseRecord): Record<string, unknown> {
  const rng = new Rng(0, `fang-detail:${house.houseId}`);
  const decoration = DECORATION_TEXT[house.decoration];
  const floor = `${house.floorLevel}/共${house.floorTotal}层`;
  const images = Array.from({ length: house.photoCount }, (_, i) => ({
    url: `https://img11.soufunimg.com/viewimage/house/${house.houseId}/${rng.hex(16)}_${i + 1}.jpg`,
    type: '实景图',
  }));
  images.push({
    url: `https://img11.soufunimg.com/viewimage/house/${house.houseId}/${rng.hex(16)}_hx.jpg`,
    type: '户型图',
  });
  const facilities: string[] = house.amenities.map((a) => FACILITY_TEXT[a]);
  if (house.hasElevator) facilities.push('电梯');
  if (house.buildYear >= 2000) facilities.push('停车场');
  const what = house.houseType === 'rent' ? '出租' : '出售';
  return {
    ...searchHouse(house),
    floor,
    orientation: house.orientation,
    build_year: house.buildYear,
    elevator: house.hasElevator ? '有' : '无',
    address: `${house.districtFull}${house.buildingName}`,
    longitude: house.lng,
    latitude: house.lat,
    description: `${house.buildingName}${layoutText(house.bedrooms, house.halls)},${house.orientation}朝向,${decoration},${floor}。${house.amenities.includes('METRO') ? '近地铁,出行方便。' : ''}业主诚心${what},随时看房。`,
    images,
    facilities,
    agent: {
      agent_id: house.agent.agentId,
      name: house.agent.name,
      phone: house.agent.phone,
      company: house.agent.company,
    },
  };
}
