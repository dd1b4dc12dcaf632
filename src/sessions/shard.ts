/**
 * Sessions are spread over SHARDS Durable Objects per account: enough that one busy account does not
 * funnel into one object, few enough that an account-wide revocation can visit them all.
 */
export const SHARDS_PER_ACCOUNT = 16;

export function shardFor(account: string, sessionId: string): string {
  let h = 0;
  for (let i = 0; i < sessionId.length; i++) h = (h * 31 + sessionId.charCodeAt(i)) | 0;
  return `${account}:${(h >>> 0) % SHARDS_PER_ACCOUNT}`;
}

export function shardsOf(account: string): string[] {
  return Array.from({ length: SHARDS_PER_ACCOUNT }, (_, i) => `${account}:${i}`);
}
