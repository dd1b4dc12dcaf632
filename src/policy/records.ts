/**
 * Name-keyed records without prototype semantics. Assigning `obj['__proto__'] = v` on an object
 * replaces its prototype instead of storing a key, so a policy named `__proto__`, a tag key or a
 * condition key `__proto__` would vanish. Policy names, tag keys, condition keys and context keys
 * are caller text, and `__proto__` is a valid one of each: records keyed by such text are written
 * with setName, which always defines an own property. They stay plain objects (JSON and the
 * structured clone of Durable Object RPC take them as they are); reads go through Object.keys or
 * Object.hasOwn, never through an inherited member.
 */
export type NameRecord<V> = Record<string, V>;

/** Stores `value` under `key` as an own property, whatever the key. */
export function setName<V>(record: NameRecord<V>, key: string, value: V): void {
  Object.defineProperty(record, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

/** An empty record, or a copy of `from`'s own entries (an object or [key, value] pairs). */
export function nameRecord<V>(from?: Iterable<[string, V]> | NameRecord<V>): NameRecord<V> {
  const out: NameRecord<V> = {};
  if (from === undefined) return out;
  const entries: Iterable<[string, V]> =
    Symbol.iterator in from ? (from as Iterable<[string, V]>) : Object.entries(from);
  for (const [k, v] of entries) setName(out, k, v);
  return out;
}

/** The value stored under `key`, never an inherited member (`constructor`, `toString`). */
export function getName<V>(record: NameRecord<V>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
