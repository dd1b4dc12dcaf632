/**
 * Opened sealed secrets, remembered per isolate so a key that signs every request is not decrypted
 * every request. Only a cache of a pure function: the entry is found by the sealing key itself (a
 * rotated SEAL_KEY derives another CryptoKey, which finds nothing), the sealed text and its
 * additional data, so a re-sealed or changed secret is a different entry. Whether the key may still
 * be used is never cached: callers read the key's record (status, session) on every request.
 * Bounded in bytes (keys and plaintexts, UTF-16) and least recently used first out.
 */
const BUDGET_BYTES = 256 * 1024;

interface Entry {
  plaintext: string;
  bytes: number;
}

const byKey = new WeakMap<CryptoKey, Map<string, Entry>>();
/** Every map in use, so the byte budget spans all sealing keys. */
const maps = new Set<Map<string, Entry>>();
let total = 0;

function id(sealed: string, aad: string): string {
  return `${aad}\n${sealed}`;
}

export function cachedOpen(key: CryptoKey, sealed: string, aad: string): string | undefined {
  const map = byKey.get(key);
  const k = id(sealed, aad);
  const hit = map?.get(k);
  if (map === undefined || hit === undefined) return undefined;
  map.delete(k);
  map.set(k, hit);
  return hit.plaintext;
}

export function rememberOpen(key: CryptoKey, sealed: string, aad: string, plaintext: string): void {
  let map = byKey.get(key);
  if (map === undefined) {
    map = new Map();
    byKey.set(key, map);
    maps.add(map);
  }
  const k = id(sealed, aad);
  const bytes = (k.length + plaintext.length) * 2;
  if (bytes > BUDGET_BYTES || map.has(k)) return;
  map.set(k, { plaintext, bytes });
  total += bytes;
  if (total <= BUDGET_BYTES) return;
  // Evict oldest first, map by map (a rotated key's map empties first: it is no longer read),
  // down to three quarters in one pass (see src/policy/byte-cache.ts: no rescan per insertion).
  for (const m of maps) {
    for (const [old, e] of m) {
      if (total <= BUDGET_BYTES - (BUDGET_BYTES >> 2)) return;
      m.delete(old);
      total -= e.bytes;
    }
    if (m.size === 0 && m !== map) maps.delete(m);
  }
}
