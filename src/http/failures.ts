import type { ProviderName } from '../domain/listing.js';
import { msUntilNextChinaMidnight } from '../state/china-day.js';
import { UpstreamError, type UpstreamErrorCode } from './errors.js';

const PROVIDER_LABEL: Record<ProviderName, string> = { BEIKE: 'Beike', FANG: 'Fang' };

type Details = { retryable: boolean; httpStatus?: number; attempts?: number; retryAfterSeconds?: number };

/**
 * The failures the transport itself raises, in its own words: never a URL or an undici message,
 * so none can carry a credential.
 */
export class TransportFailures {
  readonly label: string;

  constructor(
    readonly provider: ProviderName,
    private readonly now: () => number,
  ) {
    this.label = PROVIDER_LABEL[provider];
  }

  of(code: UpstreamErrorCode, message: string, details: Details): UpstreamError {
    return new UpstreamError(code, message, { provider: this.provider, ...details });
  }

  closed(endpoint: string): UpstreamError {
    return this.of('UPSTREAM_UNAVAILABLE', `${this.label} transport is closed; not calling ${endpoint}`, {
      retryable: false,
    });
  }

  aborted(endpoint: string): UpstreamError {
    return this.of('UPSTREAM_UNAVAILABLE', `${this.label} call on ${endpoint} was aborted by the caller`, {
      retryable: true,
    });
  }

  unbuildable(endpoint: string): UpstreamError {
    return this.of(
      'UPSTREAM_BAD_REQUEST',
      `${this.label} request on ${endpoint} could not be built; nothing was sent`,
      { retryable: false, attempts: 0 },
    );
  }

  noRateSlot(endpoint: string, waitMs: number): UpstreamError {
    return this.of(
      'UPSTREAM_RATE_LIMITED',
      `${this.label} call on ${endpoint} would wait past its deadline for a rate-limit slot`,
      { retryable: true, retryAfterSeconds: Math.ceil(waitMs / 1000) },
    );
  }

  outOfTime(endpoint: string): UpstreamError {
    return this.of(
      'UPSTREAM_UNAVAILABLE',
      `${this.label} call on ${endpoint} ran out of time before sending`,
      {
        retryable: true,
      },
    );
  }

  circuitOpen(endpoint: string, waitMs: number): UpstreamError {
    return this.of(
      'UPSTREAM_UNAVAILABLE',
      `${this.label} circuit is open after repeated failures; not calling ${endpoint}`,
      { retryable: true, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) },
    );
  }

  budgetSpent(limit: number): UpstreamError {
    return this.of(
      'UPSTREAM_QUOTA_EXHAUSTED',
      `${this.label} daily budget of ${limit} calls is spent until midnight China time`,
      { retryable: false, retryAfterSeconds: this.untilMidnight() },
    );
  }

  shareSpent(perClient: number, fraction: number): UpstreamError {
    return this.of(
      'UPSTREAM_QUOTA_EXHAUSTED',
      `This client's share of ${this.label}'s daily budget (${perClient} calls, ${Math.round(fraction * 100)}%) is spent until midnight China time`,
      { retryable: false, retryAfterSeconds: this.untilMidnight() },
    );
  }

  allowanceSpent(reason: string): UpstreamError {
    return this.of('UPSTREAM_QUOTA_EXHAUSTED', `${this.label}: ${reason}`, { retryable: false });
  }

  timedOut(endpoint: string, timeoutMs: number): UpstreamError {
    return this.of(
      'UPSTREAM_UNAVAILABLE',
      `${this.label} timed out after ${Math.round(timeoutMs)} ms on ${endpoint}`,
      { retryable: true },
    );
  }

  connectionFailed(endpoint: string, failureCode: string | undefined): UpstreamError {
    return this.of(
      'UPSTREAM_UNAVAILABLE',
      `${this.label} connection failed on ${endpoint}${failureCode ? ` (${failureCode})` : ''}`,
      { retryable: true },
    );
  }

  tooLarge(endpoint: string, maxBodyBytes: number, httpStatus: number): UpstreamError {
    return this.of(
      'UPSTREAM_BAD_RESPONSE',
      `${this.label} answered more than ${maxBodyBytes} bytes on ${endpoint}`,
      { retryable: false, httpStatus },
    );
  }

  unjudgeable(endpoint: string, httpStatus: number): UpstreamError {
    return this.of('UPSTREAM_BAD_RESPONSE', `${this.label} answer on ${endpoint} could not be judged`, {
      retryable: false,
      httpStatus,
    });
  }

  private untilMidnight(): number {
    return Math.ceil(msUntilNextChinaMidnight(this.now()) / 1000);
  }
}
