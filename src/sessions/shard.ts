/**
 * Sessions are spread over SHARDS_PER_ACCOUNT Durable Objects per account, so one busy account does
 * not funnel into one object and no object is global; each object keeps its rows small and its alarm
 * cheap. The shard is named in the session token, so finding a session costs no lookup.
 */
export const SHARDS_PER_ACCOUNT = 16;

/** The shard for a session, chosen by a string unique to it (its access key id). */
export function shardFor(account: string, key: string): string {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
  return `${account}:${(h >>> 0) % SHARDS_PER_ACCOUNT}`;
}
