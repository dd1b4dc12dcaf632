/**
 * The values an account's Durable Object wrote recently, kept in its own (strongly consistent)
 * storage. KV reads may answer an older value for a while after a write ("How KV works": changes
 * can take up to 60 seconds to be visible, and reads are cached at the edge), so the object reads
 * its own recent writes from here first: a read-modify-write never builds on a value older than the
 * last one it wrote.
 */
export interface WriteJournal {
  /** The last value written to `key` within JOURNAL_HORIZON_MS (null: deleted); undefined if none. */
  recent(key: string, now: number): Promise<{ value: string | null } | undefined>;
  record(key: string, value: string | null, now: number): void;
}

/** KV's visibility delay and default read cache (60 s), plus a margin. */
export const JOURNAL_HORIZON_MS = 70_000;
