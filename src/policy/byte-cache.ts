/**
 * A least-recently-used map bounded by an estimate of the bytes its values hold, not only by their
 * number: one large policy set cannot crowd out memory the isolate needs (Workers isolates have
 * 128 MB). Values larger than the whole budget are not kept.
 */
export class ByteBoundedCache<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private total = 0;
  readonly budget: number;

  constructor(budget: number) {
    this.budget = budget;
  }

  /** The value, without refreshing its recency (for hot paths: eviction is then oldest first). */
  peek(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    // Re-insert so iteration order is least recently used first.
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.value;
  }

  set(key: string, value: V, bytes: number): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.total -= old.bytes;
    }
    const size = bytes + key.length * 2;
    if (size > this.budget) return;
    this.entries.set(key, { value, bytes: size });
    this.total += size;
    if (this.total > this.budget) this.evict();
  }

  /**
   * Drops the least recently used entries down to three quarters of the budget, in one pass: a
   * Map's iteration walks the holes its deletions leave, so evicting one entry per insertion would
   * rescan them every time (quadratic under a stream of new keys).
   */
  private evict(): void {
    const target = this.budget - (this.budget >> 2);
    for (const [k, e] of this.entries) {
      if (this.total <= target) break;
      this.entries.delete(k);
      this.total -= e.bytes;
    }
  }

  delete(key: string): void {
    const old = this.entries.get(key);
    if (old === undefined) return;
    this.entries.delete(key);
    this.total -= old.bytes;
  }

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}
