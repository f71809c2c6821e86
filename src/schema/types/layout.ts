import type { Layout } from '../../domain/listing.js';
import { builder } from '../builder.js';

export const LayoutType = builder.objectRef<Layout>('Layout').implement({
  description: 'Rooms, as the provider counts them.',
  fields: (t) => ({
    bedrooms: t.exposeInt('bedrooms', { nullable: true, description: 'Bedrooms (室).' }),
    livingRooms: t.exposeInt('livingRooms', { nullable: true, description: 'Living rooms (厅).' }),
    bathrooms: t.exposeInt('bathrooms', { nullable: true, description: 'Bathrooms (卫), when known.' }),
    text: t.exposeString('text', { nullable: true, description: 'The provider\'s wording, e.g. "1室1厅".' }),
  }),
});
