import type { ListingProvider } from '../provider.js';
import { FangProvider, type FangProviderOptions } from './client.js';

export type { FangProviderOptions } from './client.js';
export { fangSignature, signParams } from './sign.js';

/** Fang.com (房天下) item_search / item_get, signed with key + secret. */
export function createFangProvider(options: FangProviderOptions): ListingProvider {
  return new FangProvider(options);
}
