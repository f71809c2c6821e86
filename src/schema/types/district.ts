import { type District, districtById } from '../../domain/districts.js';
import { builder } from '../builder.js';

export const DistrictType = builder.objectRef<District>('District').implement({
  description: 'A county-level division (区, 县, 县级市) of a city, as GB/T 2260 names it.',
  fields: (t) => ({
    id: t.exposeString('id', {
      description: 'GB/T 2260 county-level code, e.g. "110105"; pass it in `SearchFilter.districtIds`.',
    }),
    name: t.exposeString('name', { description: 'Full official name, e.g. 朝阳区, 浦东新区, 桐庐县.' }),
    cityId: t.exposeString('cityId', { description: 'GB/T 2260 code of its city, e.g. "110000".' }),
  }),
});

/** The district a GB/T code names; null for none (the provider's wording matched no district). */
export function districtOf(id: string | null | undefined): District | null {
  return id ? (districtById(id) ?? null) : null;
}
