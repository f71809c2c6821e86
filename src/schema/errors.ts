import { GraphQLError } from 'graphql';
import type { ProviderName } from '../domain/listing.js';
import { isUpstreamError, type UpstreamError } from '../http/errors.js';
import { ProviderNotConfiguredError, SearchInputError } from '../search/errors.js';

/** The codes clients can rely on besides the upstream taxonomy (src/http/errors.ts). */
export function badUserInput(argument: string, message: string): GraphQLError {
  return new GraphQLError(`${argument}: ${message}`, {
    extensions: { code: 'BAD_USER_INPUT', argument },
  });
}

export function providerNotConfigured(provider: ProviderName): GraphQLError {
  return new GraphQLError(`${provider} is not configured on this server`, {
    extensions: { code: 'PROVIDER_NOT_CONFIGURED', provider },
  });
}

export function upstreamGraphQLError(
  error: UpstreamError,
  path?: readonly (string | number)[],
): GraphQLError {
  return new GraphQLError(error.message, {
    path,
    extensions: {
      code: error.code,
      provider: error.provider,
      retryable: error.retryable,
      ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
    },
  });
}

/** Runs a search layer step, turning its refusals into the client's errors. */
export function fromSearchError<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof SearchInputError) throw badUserInput(error.argument, error.message);
    if (error instanceof ProviderNotConfiguredError) throw providerNotConfigured(error.provider);
    throw error;
  }
}

/** A provider failure that leaves nothing to show becomes the field's error. */
export async function upstreamErrorsOf<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isUpstreamError(error)) throw upstreamGraphQLError(error);
    throw error;
  }
}
