import type { GeoPoint } from '../../domain/listing.js';
import { builder } from '../builder.js';

export const GeoPointType = builder.objectRef<GeoPoint>('GeoPoint').implement({
  description: 'A position, in degrees, as the provider gives it (GCJ-02 for mainland providers).',
  fields: (t) => ({
    latitude: t.exposeFloat('latitude', { description: 'Degrees north.' }),
    longitude: t.exposeFloat('longitude', { description: 'Degrees east.' }),
  }),
});
