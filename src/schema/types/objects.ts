import type { Credential, Floor, GeoPoint, Layout, Photo } from '../../domain/listing.js';
import { builder } from '../builder.js';
import { FloorLevelEnum } from './enums.js';

/** Small value types that listings are made of. */

export const LayoutType = builder.objectRef<Layout>('Layout').implement({
  description: 'Rooms, as the provider counts them.',
  fields: (t) => ({
    bedrooms: t.exposeInt('bedrooms', { nullable: true, description: 'Bedrooms (室).' }),
    livingRooms: t.exposeInt('livingRooms', { nullable: true, description: 'Living rooms (厅).' }),
    bathrooms: t.exposeInt('bathrooms', { nullable: true, description: 'Bathrooms (卫), when known.' }),
    text: t.exposeString('text', { nullable: true, description: 'The provider\'s wording, e.g. "1室1厅".' }),
  }),
});

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

export const GeoPointType = builder.objectRef<GeoPoint>('GeoPoint').implement({
  description: 'A position, in degrees, as the provider gives it (GCJ-02 for mainland providers).',
  fields: (t) => ({
    latitude: t.exposeFloat('latitude', { description: 'Degrees north.' }),
    longitude: t.exposeFloat('longitude', { description: 'Degrees east.' }),
  }),
});

export const CredentialType = builder.objectRef<Credential>('Credential').implement({
  description: "An agent's licence, badge or agency document.",
  fields: (t) => ({
    name: t.exposeString('name', { description: 'e.g. 全国房地产经纪人协理证.' }),
    number: t.exposeString('number', { nullable: true, description: 'Certificate number, where shown.' }),
    imageUrl: t.exposeString('imageUrl', { nullable: true, description: 'Picture of the document.' }),
  }),
});
