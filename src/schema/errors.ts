import { GraphQLError } from 'graphql';
import type { ProviderName } from '../domain/listing.js';
import type { UpstreamError } from '../providers/errors.js';

/** The codes clients can rely on besides the upstream taxonomy (src/providers/errors.ts). */
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
