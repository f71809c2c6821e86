import type { Floor } from '../../domain/listing.js';
import { builder } from '../builder.js';
import { FloorLevelEnum } from './enums.js';

export const FloorType = builder.objectRef<Floor>('Floor').implement({
  description: 'Where the home is in its building.',
  fields: (t) => ({
    text: t.exposeString('text', {
      nullable: true,
      description: 'The provider\'s wording, e.g. "顶层(共4层)".',
    }),
    level: t.expose('level', { type: FloorLevelEnum, nullable: true, description: 'Classified level.' }),
    total: t.exposeInt('total', { nullable: true, description: 'Floors in the building.' }),
  }),
});
