import type { UpstreamErrorCode } from '../../http/errors.js';

/**
 * THE Fang contracts, one table per flavour. Seed 004 describes the official open platform; the
 * reseller that actually sells Fang access, onebound (slug `ftx`), documents its own paths, id
 * parameter, envelope and optional signing (providers.md, "Evidence (2026-12)"). Each flavour
 * sends exactly one spelling of each parameter: onebound bills extra parameters even when a call
 * fails. The decoder reads both envelopes whatever the flavour.
 */

export const FANG_FLAVOURS = ['open-platform', 'onebound'] as const;
export type FangFlavourName = (typeof FANG_FLAVOURS)[number];

/**
 * onebound: its help page for `ftx.item_get` is the only public description of a working Fang
 * API, while seed 004's text reappears almost verbatim in the same author's guides for other sites.
 */
export const DEFAULT_FANG_FLAVOUR: FangFlavourName = 'onebound';

export interface FangErrorOutcome {
  code: UpstreamErrorCode;
  retryable: boolean;
}

export interface FangFlavour {
  name: FangFlavourName;
  /** Used when FANG_BASE_URL is not set. */
  defaultBaseUrl: string;
  paths: { search: string; detail: string };
  /** The business parameter that names the house in item_get. */
  detailIdParam: 'house_id' | 'item_id';
  /** The business parameter of the page number in item_search (page size is `page_size` in both). */
  pageParam: 'page_num' | 'page';
  /** The envelope its answers come in (documentation and sandbox; the decoder accepts both). */
  envelope: 'item_search_response / item_get_response / error_response' | 'items / item / error_code';
  /** Its own error codes; anything else is classified by HTTP status and wording. */
  errorCodes: Readonly<Record<string, FangErrorOutcome>>;
  /** md5: seed 004's signature over the sorted parameters, the secret never sent; plain: key and secret as parameters. */
  signing: 'md5' | 'plain';
  /** Public parameters besides the credentials. */
  publicParams(api: 'item_search' | 'item_get'): Record<string, string>;
}

const AUTH: FangErrorOutcome = { code: 'UPSTREAM_AUTH_FAILED', retryable: false };
const RATE: FangErrorOutcome = { code: 'UPSTREAM_RATE_LIMITED', retryable: true };

export const FANG_FLAVOUR_TABLE: Readonly<Record<FangFlavourName, FangFlavour>> = {
  'open-platform': {
    name: 'open-platform',
    defaultBaseUrl: 'https://api.fang.com',
    paths: { search: '/fang/item_search', detail: '/fang/item_get' },
    detailIdParam: 'house_id',
    pageParam: 'page_num',
    envelope: 'item_search_response / item_get_response / error_response',
    // Its codes are HTTP statuses (400/401/403/504), classified with the status.
    errorCodes: {},
    signing: 'md5',
    publicParams: (api) => ({ api_name: api, result_type: 'json', cache: 'yes' }),
  },
  onebound: {
    name: 'onebound',
    defaultBaseUrl: 'https://api-gw.onebound.cn',
    paths: { search: '/ftx/item_search', detail: '/ftx/item_get' },
    detailIdParam: 'item_id',
    // onebound's generic envelope pages by `page` (its answers echo `page` and `page_size`): assumed for ftx.
    pageParam: 'page',
    envelope: 'items / item / error_code',
    // From third-party adapters of onebound; "0000" is success.
    errorCodes: {
      '4004': AUTH,
      '4005': AUTH,
      '4008': RATE,
      '4013': RATE,
      // Insufficient balance: nothing more until an operator tops up, so not retried.
      '4016': { code: 'UPSTREAM_QUOTA_EXHAUSTED', retryable: false },
    },
    signing: 'plain',
    publicParams: () => ({}),
  },
};

export function fangFlavour(name: FangFlavourName): FangFlavour {
  return FANG_FLAVOUR_TABLE[name];
}
