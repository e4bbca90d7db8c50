/**
 * A read-through cache whose entries expire, with single flight: while a value is being loaded,
 * every caller for that key waits on the same load, so a burst of requests makes one read.
 */
export class ExpiringCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();
  private readonly loading = new Map<K, Promise<V>>();
  /** Bumped by `delete`, so a load that began before an invalidation is not cached after it. */
  private invalidations = 0;

  constructor(
    /** How long a loaded value is trusted, in milliseconds. */
    private readonly ttlFor: (value: V) => number,
    private readonly maxEntries = 50_000,
  ) {}

  get(key: K, load: () => Promise<V>): Promise<V> {
    const entry = this.entries.get(key);
    if (entry && entry.until > Date.now()) return Promise.resolve(entry.value);
    let pending = this.loading.get(key);
    if (!pending) {
      const invalidationsAtStart = this.invalidations;
      pending = load()
        .then((value) => {
          if (this.invalidations !== invalidationsAtStart) return value;
          if (this.entries.size >= this.maxEntries) this.entries.clear();
          this.entries.set(key, { value, until: Date.now() + this.ttlFor(value) });
          return value;
        })
        .finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  delete(key: K): void {
    this.entries.delete(key);
    this.loading.delete(key);
    this.invalidations++;
  }
}
