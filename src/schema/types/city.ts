import { CITIES, type City } from '../../domain/cities.js';
import { districtsOf } from '../../domain/districts.js';
import { builder } from '../builder.js';
import { DistrictType } from './district.js';
import { ProviderEnum } from './enums.js';

const CityType = builder.objectRef<City>('City').implement({
  description: 'A city this API can search.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'GB/T 2260 code, the `cityId` everywhere else, e.g. "110000".' }),
    name: t.exposeString('name', { description: 'Chinese name, e.g. 北京.' }),
    pinyin: t.exposeString('pinyin', { description: 'Name in pinyin, e.g. Beijing.' }),
    districts: t.field({
      type: [DistrictType],
      description: 'Its county-level districts (GB/T 2260), the ids `SearchFilter.districtIds` takes.',
      resolve: (city) => districtsOf(city.id),
    }),
    providers: t.field({
      type: [ProviderEnum],
      description: 'Providers that list homes here and are configured on this server.',
      resolve: (city, _args, ctx) => city.providers.filter((p) => ctx.store.provider(p)),
    }),
  }),
});

builder.queryField('cities', (t) =>
  t.field({ type: [CityType], description: 'The supported cities.', resolve: () => [...CITIES] }),
);
