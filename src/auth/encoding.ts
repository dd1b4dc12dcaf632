/**
 * Byte/text encodings shared by the auth primitives. Pure functions over Web platform APIs; where
 * the runtime has the native `Uint8Array` base64/hex methods (workerd, current browsers) encoding
 * uses them, elsewhere (Node 22, which runs some tests and scripts) the portable code below.
 */

const utf8Encoder = new TextEncoder();

/** `Uint8Array.prototype.toBase64` / `toHex` (TC39 "Uint8Array to/from base64"), when present. */
interface NativeEncoding {
  toBase64(options?: { alphabet?: 'base64' | 'base64url'; omitPadding?: boolean }): string;
  toHex(): string;
}
const NATIVE =
  typeof (Uint8Array.prototype as Partial<NativeEncoding>).toBase64 === 'function' &&
  typeof (Uint8Array.prototype as Partial<NativeEncoding>).toHex === 'function';
const HEX_DIGITS = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  if (NATIVE) return (bytes as Uint8Array & NativeEncoding).toHex();
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX_DIGITS[bytes[i]];
  return out;
}

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(utf8Encoder.encode(text));
}

/** Lowercase hex only, as SigV4 signatures are written; anything else is not a signature. */
export function fromHex(hex: string): Uint8Array<ArrayBuffer> | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  if (NATIVE) return (bytes as Uint8Array & NativeEncoding).toBase64();
  let bin = '';
  // Chunks keep the argument count of fromCharCode well under engine limits.
  for (let i = 0; i < bytes.length; i += 0x2000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  }
  return btoa(bin);
}

/** Standard or URL-safe base64, padding optional; null when the text is not base64. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  const std = text.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(std) || std.replace(/=+$/, '').length % 4 === 1) return null;
  const padded = std
    .replace(/=+$/, '')
    .padEnd(Math.ceil(std.replace(/=+$/, '').length / 4) * 4, '=');
  let bin: string;
  try {
    bin = atob(padded);
  } catch {
    return null;
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const URL_SAFE: Record<string, string> = { '+': '-', '/': '_', '=': '' };

/** Unpadded base64url. */
export function toBase64Url(bytes: Uint8Array): string {
  if (NATIVE) {
    return (bytes as Uint8Array & NativeEncoding).toBase64({
      alphabet: 'base64url',
      omitPadding: true,
    });
  }
  return toBase64(bytes).replace(/[+/=]/g, (c) => URL_SAFE[c]!);
}

/**
 * Unpadded base64url in its one canonical spelling: the unused low bits of the last character must
 * be zero, so two different texts never decode to the same bytes (a changed sealed secret or session
 * token is a different, refused, value).
 */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  // A last character of a 2- or 3-character group carries 4 or 2 unused bits.
  const unused = [0, 0, 0b1111, 0b11][text.length % 4];
  if (unused !== 0 && (BASE64URL.indexOf(text[text.length - 1]) & unused) !== 0) return null;
  return fromBase64(text);
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Compares two strings in time that depends only on their lengths, so a mismatch position does not
 * leak through timing (for signatures, MACs and secrets).
 */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = utf8(a);
  const y = utf8(b);
  let diff = x.length ^ y.length;
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
