/**
 * A map that keeps at most `capacity` entries, dropping the least recently used: what users write (patterns,
 * schemas) is compiled once and reused, but cannot grow the process without end.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();
  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** The cached value for `key`, or the one `make` answers, which is then kept. */
  getOrMake(key: K, make: () => V): V {
    if (this.entries.has(key)) {
      const value = this.entries.get(key)!;
      // Re-inserted so that Map's insertion order is the order of use.
      this.entries.delete(key);
      this.entries.set(key, value);
      return value;
    }
    const value = make();
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
