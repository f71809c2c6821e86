import type { Listing } from '../domain/listing.js';
import type { Codec } from '../state/index.js';

/** A cached detail: null when the provider said it has no such listing. */
export interface DetailValue {
  listing: Listing | null;
}

/**
 * A detail packed as its JSON, the form Redis holds it in too. Each gets a buffer of its exact
 * size: `Buffer.from` takes small ones from a shared 8 KB pool, and one kept detail would keep
 * its pool chunk alive with it.
 */
export const detailCodec: Codec<DetailValue> = {
  encode({ listing }) {
    const text = JSON.stringify(listing);
    const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
    bytes.write(text);
    return bytes;
  },
  decode: (bytes) => ({ listing: JSON.parse(bytes.toString()) as Listing | null }),
};
