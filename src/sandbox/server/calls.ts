import type { CallFilter, CallRecord } from '../types.js';

/** Every upstream call the sandbox received (control calls excepted). Never holds a credential. */
export class CallLog {
  private records: CallRecord[] = [];

  /** The record itself, so that the caller can stamp when it answered. */
  record(call: CallRecord): CallRecord {
    this.records.push(call);
    return call;
  }

  count(filter: CallFilter = {}): number {
    let n = 0;
    for (const call of this.records) if (matches(call, filter)) n++;
    return n;
  }

  list(filter: CallFilter = {}): CallRecord[] {
    return this.records.filter((call) => matches(call, filter)).map((call) => ({ ...call }));
  }

  reset(): void {
    this.records = [];
  }
}

function matches(call: CallRecord, filter: CallFilter): boolean {
  return (
    (filter.provider === undefined || call.provider === filter.provider) &&
    (filter.path === undefined || call.path === filter.path) &&
    (filter.id === undefined || call.id === filter.id)
  );
}
