import type { ProviderName } from '../domain/listing.js';

/**
 * Why a search or list the client asked for cannot run, said before any provider is called. The
 * schema turns these into BAD_USER_INPUT (naming the argument) and PROVIDER_NOT_CONFIGURED.
 */
export class SearchInputError extends Error {
  override readonly name = 'SearchInputError';

  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(message);
  }
}

export class ProviderNotConfiguredError extends Error {
  override readonly name = 'ProviderNotConfiguredError';

  constructor(readonly provider: ProviderName) {
    super(`${provider} is not configured on this server`);
  }
}
