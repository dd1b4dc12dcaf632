/**
 * Time-based one-time passwords as virtual MFA devices compute them: TOTP (RFC 6238) over HOTP
 * (RFC 4226) with HMAC-SHA-1, 6 digits and a 30-second step, the parameters IAM's virtual MFA
 * devices use ("Assigning a virtual MFA device", IAM User Guide). Seeds travel as RFC 4648 base32
 * (IAM's Base32StringSeed, "defined as specified in RFC 3548").
 */

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Seed length: 40 bytes, so its base32 text is 64 characters, the length IAM's seeds have. */
export const SEED_BYTES = 40;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 section 6 base32, upper case, with `=` padding only when the length needs it. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

/**
 * Decodes base32 as authenticator apps accept it: case-insensitive, spaces and padding ignored.
 * Answers null for any other character, or for trailing bits that are not zero.
 */
export function base32Decode(text: string): Uint8Array | null {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const out = new Uint8Array(Math.floor((clean.length * 5) / 8));
  let bits = 0;
  let value = 0;
  let at = 0;
  for (const ch of clean) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return null;
    value = ((value << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      out[at++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  if ((value & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

/** The TOTP time step of an instant (epoch ms): T = floor(unix time / 30) (RFC 6238 section 4). */
export function timeStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS);
}

/** A key for one seed, imported once and used for every step a check tries. */
export function totpKey(seed: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', seed.slice(), { name: 'HMAC', hash: 'SHA-1' }, false, [
    'sign',
  ]);
}

/** HOTP(K, C): HMAC-SHA-1 of the 8-byte counter, dynamic truncation, 6 decimal digits (RFC 4226 section 5.3). */
export async function hotp(key: CryptoKey, counter: number): Promise<string> {
  const message = new Uint8Array(8);
  new DataView(message.buffer).setBigUint64(0, BigInt(counter));
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, message));
  const offset = mac[19]! & 0x0f;
  const binary =
    ((mac[offset]! & 0x7f) << 24) |
    (mac[offset + 1]! << 16) |
    (mac[offset + 2]! << 8) |
    mac[offset + 3]!;
  return String(binary % 10 ** TOTP_DIGITS).padStart(TOTP_DIGITS, '0');
}

/** The code a device shows at an instant (epoch ms). */
export async function totp(seed: Uint8Array, nowMs: number): Promise<string> {
  return hotp(await totpKey(seed), timeStep(nowMs));
}

/**
 * The first step in `steps` whose code is `code`, or undefined. Every candidate is computed and
 * compared in full, so the answer's timing does not tell which step (if any) matched.
 */
export async function matchStep(
  key: CryptoKey,
  code: string,
  steps: readonly number[],
): Promise<number | undefined> {
  let found: number | undefined;
  for (const step of steps) {
    const expected = await hotp(key, step);
    let diff = expected.length ^ code.length;
    for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ code.charCodeAt(i);
    if (diff === 0 && found === undefined) found = step;
  }
  return found;
}
