import type { ProviderName } from '../domain/listing.js';
import type { UpstreamTransport } from '../http/transport.js';
import type { Logger } from '../logger.js';
import { DecodeReport } from './decode.js';
import type { ProviderHealth } from './provider.js';

export interface ProviderBaseOptions {
  /** Built by the caller with the provider's credentials among the secrets it scrubs. */
  transport: UpstreamTransport;
  /** Not yet bound to the provider: the skeleton binds it, once. */
  logger: Logger;
  now?: () => Date;
}

/** What every provider client has alike: its transport, its logger, its clock, health and close. */
export abstract class ProviderBase {
  protected readonly transport: UpstreamTransport;
  protected readonly logger: Logger;
  protected readonly now: () => Date;

  constructor(
    readonly name: ProviderName,
    options: ProviderBaseOptions,
  ) {
    this.transport = options.transport;
    this.logger = options.logger.child({ provider: name });
    this.now = options.now ?? (() => new Date());
  }

  health(): ProviderHealth {
    return { circuit: this.transport.circuitState, budgetRemaining: this.transport.budgetRemaining };
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  /** Runs `decode` with a report of the fields that failed, logged once it is done. */
  protected decoding<T>(endpoint: string, id: string | undefined, decode: (report: DecodeReport) => T): T {
    const report = new DecodeReport(this.name, endpoint, id);
    const value = decode(report);
    report.flush(this.logger);
    return value;
  }
}

/**
 * Whether a page is followed by more: the provider's own flag wins; else its total against what
 * has been seen; else a full page suggests more.
 */
export function hasMoreAfter(page: {
  more: boolean | null;
  total: number | null;
  seen: number;
  itemCount: number;
  pageSize: number;
}): boolean {
  return page.more ?? (page.total !== null ? page.seen < page.total : page.itemCount >= page.pageSize);
}
