/**
 * Sets `key` in `map` as its newest entry (a Map iterates in insertion order) and forgets the
 * oldest entries past `max`: the one eviction rule of the isolate's small caches (remembered ids,
 * keys, failures, blocked clients), so none of them grows without bound.
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  for (const oldest of map.keys()) {
    if (map.size <= max) break;
    map.delete(oldest);
  }
}
