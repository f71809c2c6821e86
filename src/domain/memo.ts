/**
 * Values worked out once per distinct key, for keys that repeat (header values, provider wordings,
 * operation costs) but come from outside and so are unbounded in principle: past `max`
 * distinct keys the memo starts over. Remembering is a saving, never a must.
 */
export class BoundedMemo<V> {
  readonly #values = new Map<string, V>();

  constructor(readonly max: number) {}

  get(key: string, make: () => V): V {
    let value = this.#values.get(key);
    if (value === undefined && !this.#values.has(key)) {
      if (this.#values.size >= this.max) this.#values.clear();
      value = make();
      this.#values.set(key, value);
    }
    return value as V;
  }

  set(key: string, value: V): V {
    this.#values.set(key, value);
    return value;
  }
}
