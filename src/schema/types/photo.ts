import type { Photo } from '../../domain/listing.js';
import { builder } from '../builder.js';

export const PhotoType = builder.objectRef<Photo>('Photo').implement({
  description: 'A picture of the home.',
  fields: (t) => ({
    url: t.exposeString('url', { description: "Image URL on the provider's CDN." }),
    caption: t.exposeString('caption', {
      nullable: true,
      description: "The provider's group or caption (户型, 实景图…).",
    }),
    isFloorPlan: t.exposeBoolean('isFloorPlan', { description: 'true for floor plans (户型图).' }),
  }),
});
