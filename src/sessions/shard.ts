/**
 * Sessions are spread over SHARDS_PER_ACCOUNT Durable Objects per account, so one busy account does
 * not funnel into one object and no object is global; each object keeps its rows small and its alarm
 * cheap. The shard is named in the session token, so finding a session costs no lookup.
 */
export const SHARDS_PER_ACCOUNT = 16;

export function shardFor(account: string, sessionId: string): string {
  let h = 0;
  for (let i = 0; i < sessionId.length; i++) h = (h * 31 + sessionId.charCodeAt(i)) | 0;
  return `${account}:${(h >>> 0) % SHARDS_PER_ACCOUNT}`;
}
