/**
 * At most `maxInFlight` GraphQL requests run at once; the next ones wait their turn (their body
 * not yet read), up to `maxQueued`, and beyond that get 503 OVERLOADED. A burst of a thousand
 * requests arriving together is then started a slice at a time instead of all in one turn of the
 * event loop, so `/health` (answered before the gate) gets its turn between slices. A slot is
 * freed when the response is closed, whatever happened to it.
 */
export class Admission {
  #inFlight = 0;
  readonly #queue: ((admitted: boolean) => void)[] = [];

  /**
   * `overloaded`: asked when a slot frees; while it says true, the waiting requests are turned
   * away (503) instead of started, so a backlog taken in before the loop fell behind does not
   * keep it behind for as long as the backlog lasts.
   */
  constructor(
    readonly maxInFlight: number,
    readonly maxQueued: number,
    private readonly overloaded: () => boolean = () => false,
  ) {}

  get inFlight(): number {
    return this.#inFlight;
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** Resolves true once admitted; false at once when the queue is full, or later when shed. */
  enter(): Promise<boolean> | boolean {
    if (this.#inFlight < this.maxInFlight) {
      this.#inFlight++;
      return true;
    }
    if (this.#queue.length >= this.maxQueued) return false;
    return new Promise((resolve) => this.#queue.push(resolve));
  }

  /** The slot passes straight to the first one waiting, unless the server is overloaded. */
  leave(): void {
    if (this.#queue.length > 0 && this.overloaded()) {
      // Cheap refusals now, before their bodies are read, rather than seconds of work later.
      for (const waiting of this.#queue.splice(0)) waiting(false);
    }
    const next = this.#queue.shift();
    if (next) next(true);
    else this.#inFlight--;
  }
}
