/**
 * Credential and entity identifiers in AWS's formats ("IAM identifiers", unique ID prefixes).
 * Current AWS access key ids and unique ids carry the owning account: the 16 base32 characters
 * after the 4-letter prefix decode to 10 bytes whose first 6 bytes, big-endian, hold a marker bit
 * (the top bit, set: why such ids start with Q-Z or 2-7 after the prefix), the 12-digit account in
 * the next 40 bits, and 7 more bits. GetAccessKeyInfo answers from the id alone this way.
 */
import { toBase64 } from './encoding.ts';

export { timingSafeEqual } from './encoding.ts';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const MARKER = 2 ** 47;
const ACCOUNT_SHIFT = 2 ** 7;

export type AccessKeyPrefix = 'AKIA' | 'ASIA';
/** AIDA user, AROA role, ANPA managed policy, AGPA group, ... ("Unique identifiers"). */
export type UniqueIdPrefix = 'AIDA' | 'AROA' | 'ANPA' | 'AGPA' | 'ANVA' | 'AIPA' | 'APKA' | 'ASCA';

function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(n));
}

function assertAccount(account: string): number {
  if (!/^\d{12}$/.test(account)) throw new Error(`not a 12-digit account id: ${account}`);
  return Number(account);
}

/** `length` base32 characters encoding the account, the rest random (from `random` when given). */
function encodeAccount(account: string, length: number, random?: Uint8Array): string {
  const acct = assertAccount(account);
  const size = Math.ceil((length * 5) / 8);
  const bytes = random === undefined ? randomBytes(size) : new Uint8Array(random.subarray(0, size));
  let head = MARKER + acct * ACCOUNT_SHIFT + (bytes[5] & 0x7f);
  for (let i = 5; i >= 0; i--) {
    bytes[i] = head % 256;
    head = Math.floor(head / 256);
  }
  return base32(bytes).slice(0, length);
}

/** Random bytes an access key id takes (ACCESS_KEY_RANDOM_BYTES) or a secret (SECRET_RANDOM_BYTES). */
export const ACCESS_KEY_RANDOM_BYTES = 10;
export const SECRET_RANDOM_BYTES = 30;

/**
 * A new access key id: `AKIA` (long-term) or `ASIA` (temporary) + 16 base32 characters. `random`:
 * ACCESS_KEY_RANDOM_BYTES fresh random bytes, when the caller drew them with others in one call.
 */
export function newAccessKeyId(
  prefix: AccessKeyPrefix,
  account: string,
  random?: Uint8Array,
): string {
  return prefix + encodeAccount(account, 16, random);
}

/** A new unique id (`AIDA...`, `AROA...`): the prefix + 17 uppercase base32 characters. */
export function newUniqueId(prefix: UniqueIdPrefix, account: string): string {
  return prefix + encodeAccount(account, 17);
}

/** The account encoded in an id's first 16 characters after its prefix, or null when it has none. */
function decodeAccount(chars: string): string | null {
  let head = 0;
  // The first 6 bytes are the first 48 bits: 9 characters and 3 bits of the tenth.
  for (let i = 0; i < 10; i++) {
    const v = BASE32.indexOf(chars[i]);
    if (v < 0) return null;
    head = i < 9 ? head * 32 + v : head * 8 + (v >> 2);
  }
  // Older ids (AKIAIOSFODNN7EXAMPLE) do not carry the marker, and no account.
  if (head < MARKER) return null;
  const account = Math.floor((head - MARKER) / ACCOUNT_SHIFT);
  return String(account).padStart(12, '0');
}

/** The account an access key id belongs to, from the id alone (GetAccessKeyInfo); null if it has none. */
export function accountFromAccessKeyId(id: string): string | null {
  if (!/^(AKIA|ASIA)[A-Z2-7]{16}$/.test(id)) return null;
  return decodeAccount(id.slice(4));
}

/** The account a unique id (`AROA...`, `AIDA...`) was created in; null if it has none. */
export function accountFromUniqueId(id: string): string | null {
  if (!/^A[A-Z]{3}[A-Z2-7]{16,17}$/.test(id)) return null;
  return decodeAccount(id.slice(4));
}

/**
 * A new secret access key: 40 characters of base64 (30 random bytes), the shape of AWS's. `random`:
 * SECRET_RANDOM_BYTES fresh random bytes, when the caller drew them with others in one call.
 */
export function newSecretAccessKey(random?: Uint8Array): string {
  return toBase64(random?.subarray(0, SECRET_RANDOM_BYTES) ?? randomBytes(SECRET_RANDOM_BYTES));
}
