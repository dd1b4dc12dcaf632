import type { WriteJournal } from './write-journal.ts';

/**
 * Records read from Workers KV, remembered per isolate for a few seconds, so a call does not pay a
 * KV read for the access key, user and role records the previous call just read. Coherence:
 * - every write through the store forgets the key first and after (in this isolate, a change is
 *   seen by the next request at once: a deactivated or deleted key stops working immediately);
 * - a read that overlapped a write is not remembered (it may carry the old value);
 * - other isolates (in other Cloudflare locations, or beside this one, such as the account object's
 *   that made the write) see a change within MAX_AGE_MS, on top of KV's own propagation (KV is eventually consistent:
 *   "changes may take up to 60 seconds or more to be visible in other global network locations",
 *   Cloudflare KV documentation, How KV works).
 * Only found records are kept (an unknown key id costs a read, as before), as their JSON text, parsed
 * on every hit so no request sees another's mutations. Bounded in bytes, least recently used out.
 */
export const MAX_AGE_MS = 2_000;
/** Keys one KV bulk read takes. */
const BULK_READ = 100;
const BUDGET_BYTES = 2 * 1024 * 1024;

interface Entry {
  text: string;
  at: number;
  bytes: number;
}

export class RecordCache {
  private readonly entries = new Map<string, Entry>();
  private total = 0;
  /** Bumped by every write, so a read that overlapped one is not remembered. */
  private writes = 0;

  get(key: string, now: number): string | undefined {
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    this.entries.delete(key);
    if (now - hit.at >= MAX_AGE_MS || now < hit.at) {
      this.total -= hit.bytes;
      return undefined;
    }
    this.entries.set(key, hit);
    return hit.text;
  }

  /** The write sequence to pass back to `remember` once the read completes. */
  get sequence(): number {
    return this.writes;
  }

  remember(key: string, text: string, now: number, sequence: number): void {
    if (sequence !== this.writes) return;
    this.drop(key);
    const bytes = (key.length + text.length) * 2 + 64;
    if (bytes > BUDGET_BYTES) return;
    this.entries.set(key, { text, at: now, bytes });
    this.total += bytes;
    if (this.total <= BUDGET_BYTES) return;
    // Down to three quarters in one pass: a Map's iteration walks the holes its deletions leave,
    // so evicting one entry per insertion would rescan them each time (src/policy/byte-cache.ts).
    for (const [k, e] of this.entries) {
      if (this.total <= BUDGET_BYTES - (BUDGET_BYTES >> 2)) break;
      this.entries.delete(k);
      this.total -= e.bytes;
    }
  }

  /**
   * The text at `key`: the journal's when it holds a recent write of it (the account object's own
   * writes, which KV may not show yet), else remembered, else read from `kv` (and remembered when
   * found, unless a write overlapped).
   */
  async read(kv: KVNamespace, key: string, journal?: WriteJournal): Promise<string | null> {
    if (journal !== undefined) {
      const journaled = await journal.recent(key, Date.now());
      if (journaled) return journaled.value;
    }
    const hit = this.get(key, Date.now());
    if (hit !== undefined) return hit;
    // A key KV cannot hold names nothing, and asking KV for it fails the read: a name read from a
    // request (a token's `iss`, an ARN) may be longer than KV's 512 bytes or carry a lone surrogate
    // (JSON's `\ud800`), which has no UTF-8 form. (Nothing is remembered under such a key.)
    if (!storableKey(key)) return null;
    const sequence = this.writes;
    const text = await kv.get(key, 'text');
    if (text !== null) this.remember(key, text, Date.now(), sequence);
    return text;
  }

  /**
   * `read` of many keys at once: the journal's and remembered texts first, then the rest with KV
   * bulk reads of up to 100 keys, each one KV operation (a Worker invocation may make 1,000).
   */
  async readMany(
    kv: KVNamespace,
    keys: readonly string[],
    journal?: WriteJournal,
  ): Promise<Map<string, string | null>> {
    const found = new Map<string, string | null>();
    const missing: string[] = [];
    const now = Date.now();
    for (const key of new Set(keys)) {
      const journaled = journal === undefined ? undefined : await journal.recent(key, now);
      const text = journaled ? journaled.value : this.get(key, now);
      if (text !== undefined) found.set(key, text);
      else if (!storableKey(key)) found.set(key, null);
      else missing.push(key);
    }
    for (let i = 0; i < missing.length; i += BULK_READ) {
      const chunk = missing.slice(i, i + BULK_READ);
      const sequence = this.writes;
      const read = await kv.get(chunk, 'text');
      for (const key of chunk) {
        const text = read.get(key) ?? null;
        found.set(key, text);
        if (text !== null) this.remember(key, text, Date.now(), sequence);
      }
    }
    return found;
  }

  /**
   * Runs a write or delete of `keys`, forgetting them before and after; with a journal, `values`
   * (the text written to each key, null for a delete) are recorded in it first.
   */
  async write(
    keys: string[],
    run: () => Promise<unknown>,
    journal?: WriteJournal,
    values?: (string | null)[],
  ): Promise<void> {
    if (journal !== undefined && values !== undefined) {
      const now = Date.now();
      keys.forEach((k, i) => journal.record(k, values[i] ?? null, now));
    }
    for (const k of keys) this.forget(k);
    try {
      await run();
    } finally {
      for (const k of keys) this.forget(k);
    }
  }

  /** Call before and after writing or deleting `key`. */
  forget(key: string): void {
    this.writes++;
    this.drop(key);
  }

  get bytes(): number {
    return this.total;
  }

  private drop(key: string): void {
    const old = this.entries.get(key);
    if (old === undefined) return;
    this.entries.delete(key);
    this.total -= old.bytes;
  }
}

// One cache per KV namespace binding (bindings are stable objects for the isolate's lifetime).
const caches = new WeakMap<object, RecordCache>();

export function recordCacheFor(kv: object): RecordCache {
  let cache = caches.get(kv);
  if (cache === undefined) {
    cache = new RecordCache();
    caches.set(kv, cache);
  }
  return cache;
}

/** KV's limit on a key: 512 bytes of UTF-8 ("Workers KV limits"). */
export const MAX_KEY_BYTES = 512;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether KV can hold `key`: valid UTF-16 (so it has a UTF-8 form) of at most MAX_KEY_BYTES bytes. */
export function storableKey(key: string): boolean {
  // Each UTF-16 unit is at most 3 UTF-8 bytes: short keys need no count.
  if (key.length * 3 <= MAX_KEY_BYTES) return !LONE_SURROGATE.test(key);
  if (key.length > MAX_KEY_BYTES || LONE_SURROGATE.test(key)) return false;
  return new TextEncoder().encode(key).length <= MAX_KEY_BYTES;
}
