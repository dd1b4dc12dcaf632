/**
 * Sessions are spread over SHARDS_PER_ACCOUNT Durable Objects per account, so one busy account does
 * not funnel into one object and no object is global; each object keeps its rows small and its alarm
 * cheap. The shard is named in the session token, so finding a session costs no lookup.
 */
export const SHARDS_PER_ACCOUNT = 16;

/** The shard for a session, chosen by a string unique to it (its access key id). */
export function shardFor(account: string, key: string): string {
  return `${account}:${shardNumber(key)}`;
}

function shardNumber(key: string): number {
  return (hash(key) >>> 0) % SHARDS_PER_ACCOUNT;
}

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return h;
}

/**
 * The shard number this isolate gives the sessions it issues, drawn once per isolate. Sessions of an
 * account issued at the same time by one isolate then meet in one object, which stores them in one
 * storage commit (SessionStore.put); isolates draw independently, so an account's sessions still
 * spread over its shards across isolates.
 */
export function isolateShard(): number {
  return (drawn ??= Math.floor(Math.random() * SHARDS_PER_ACCOUNT));
}
let drawn: number | undefined;

/** The base32 characters of an access key id, by the shard residue (char code modulo shards) each gives. */
const FITTING = Array.from({ length: SHARDS_PER_ACCOUNT }, (_, r) =>
  [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'].filter((c) => c.charCodeAt(0) % SHARDS_PER_ACCOUNT === r),
);

/**
 * The access key id `key` with its last character replaced so that shardFor puts it in shard number
 * `n`, or `key` itself when it is there already. The last character of a new key is random and
 * carries none of the account (auth/keys.ts); the replacement is one of the one to three base32
 * characters that fit, picked by the old one, so a key keeps at least 34 of its 39 random bits.
 */
export function keyInShard(key: string, n: number): string {
  if (shardNumber(key) === n) return key;
  const head = key.slice(0, -1);
  // SHARDS_PER_ACCOUNT divides 2^32, so the shard is (hash(head) * 31 + last) modulo it.
  const want =
    (((n - Math.imul(hash(head), 31)) % SHARDS_PER_ACCOUNT) + SHARDS_PER_ACCOUNT) %
    SHARDS_PER_ACCOUNT;
  const fits = FITTING[want];
  return head + fits[key.charCodeAt(key.length - 1) % fits.length];
}
