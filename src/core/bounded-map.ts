// The caches a node consults over and over (key verdicts and parsed keys, token checks, state reads, tx
// effects and verdicts) are bounded maps emptied whole when full: emptying needs no eviction order and
// costs nothing per hit, and a miss after it only redoes the work the cache saves, so no answer changes.
// One class, so that rule is written once.
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();
  readonly sizeMax: number;

  constructor(sizeMax: number) {
    this.sizeMax = sizeMax;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Remembers value for key, emptying the map first when a new key would not fit. */
  set(key: K, value: V): void {
    if (this.entries.size >= this.sizeMax && !this.entries.has(key)) this.entries.clear();
    this.entries.set(key, value);
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  /** The value remembered for key, or else compute()'s, remembered (compute must not answer undefined). */
  getOrCompute(key: K, compute: () => V): V {
    let value = this.entries.get(key);
    if (value === undefined) {
      value = compute();
      this.set(key, value);
    }
    return value;
  }
}
