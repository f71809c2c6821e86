import type { ListingProvider } from '../provider.js';
import { BeikeProvider, type BeikeProviderOptions } from './client.js';

export type { BeikeProviderOptions } from './client.js';

/** Beike (贝壳 / Lianjia) resale listings and communities through Just One API; `token` authenticates. */
export function createBeikeProvider(options: BeikeProviderOptions): ListingProvider {
  return new BeikeProvider(options);
}
