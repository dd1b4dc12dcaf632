/**
 * The demo page's sandbox cookie: which sandbox account a browser owns. Its value is
 * `v2.<account>.<secret>`, the secret 32 random bytes (base64url) made with the sandbox, of which
 * the account record keeps only the SHA-256 (`cookieHash`). Nothing in it derives from a deployment
 * key: knowing SEAL_KEY (a local server's is the development key published in wrangler.toml) and a
 * sandbox's account id (account ids are not secrets: ARNs carry them) does not make a cookie that
 * reaches that sandbox. HttpOnly (the page's script never sees it), SameSite=Strict (never sent by
 * another site's requests), Secure over HTTPS.
 */
import { timingSafeEqual, toBase64Url, utf8 } from '../auth/encoding.ts';
import type { AccountRecord } from '../store/types.ts';

export const COOKIE_NAME = 'rolecall_sandbox';
/** Longest cookie value accepted: "v2." + 12 digits + "." + 43 base64url characters. */
const MAX_VALUE = 59;
const VALUE = /^v2\.(\d{12})\.([A-Za-z0-9_-]{43})$/;

/** What a cookie claims: an account, and the secret that proves the browser was given it. */
export interface SandboxCookie {
  account: string;
  secret: string;
}

/** A new sandbox's cookie secret: 32 random bytes, base64url. */
export function newCookieSecret(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** What the account record keeps of the secret: its SHA-256, base64url. */
export async function cookieHash(secret: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(secret))));
}

/** The Set-Cookie header value binding the browser to its sandbox until the sandbox expires. */
export function sandboxCookie(
  claim: SandboxCookie & { expiresAt: number },
  secure: boolean,
  now = Date.now(),
): string {
  const maxAge = Math.max(0, Math.floor((claim.expiresAt - now) / 1000));
  return [
    `${COOKIE_NAME}=v2.${claim.account}.${claim.secret}`,
    'Path=/',
    `Max-Age=${maxAge}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/**
 * What a request's cookie claims, or null when it has none or a malformed one. Bounded work: the
 * header is scanned once (8 KB at most). The claim proves nothing until `ownsSandbox` checks it.
 */
export function readSandboxCookie(cookieHeader: string | undefined): SandboxCookie | null {
  if (!cookieHeader || cookieHeader.length > 8192) return null;
  let value: string | undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === COOKIE_NAME) value = part.slice(eq + 1).trim();
  }
  if (!value || value.length > MAX_VALUE) return null;
  const m = VALUE.exec(value);
  return m ? { account: m[1]!, secret: m[2]! } : null;
}

/**
 * Whether the cookie's secret is the one `record`'s sandbox was created with (one SHA-256, compared
 * in constant time), and the sandbox has not expired.
 */
export async function ownsSandbox(
  record: AccountRecord | null,
  cookie: SandboxCookie,
  now: number,
): Promise<boolean> {
  if (!record?.cookieHash || record.expiresAt === undefined || record.expiresAt <= now) {
    return false;
  }
  return timingSafeEqual(await cookieHash(cookie.secret), record.cookieHash);
}
