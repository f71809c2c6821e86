/**
 * The sandbox's simulated waits (latency, delay faults, trickled bodies), which close() ends at
 * once. One set of pending wake-ups rather than an abort listener per wait on one long-lived
 * signal: with many calls in flight those listeners piled up on it (MaxListenersExceededWarning).
 */
export class Delays {
  readonly #pending = new Set<(finished: boolean) => void>();
  #closed = false;

  /** Resolves true after `ms`, or false once the sandbox closes. */
  sleep(ms: number): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (finished: boolean) => {
        clearTimeout(timer);
        this.#pending.delete(done);
        resolve(finished);
      };
      const timer = setTimeout(done, ms, true);
      this.#pending.add(done);
    });
  }

  get pending(): number {
    return this.#pending.size;
  }

  close(): void {
    this.#closed = true;
    for (const done of [...this.#pending]) done(false);
  }
}
