/**
 * The demo page's sandbox cookie: which sandbox account a browser owns. Its value is
 * `v1.<account>.<expiry, epoch seconds>.<HMAC-SHA-256, base64url>`, MAC'd with a key derived from
 * SEAL_KEY, so a visitor cannot forge or alter it to reach another sandbox. HttpOnly (the page's
 * script never sees it), SameSite=Strict (never sent by another site's requests), Secure over HTTPS.
 */
import { fromBase64Url, toBase64Url, utf8 } from '../auth/encoding.ts';
import { deriveKeys } from '../auth/secret-keys.ts';

export const COOKIE_NAME = 'rolecall_sandbox';
/** Longest cookie value accepted: "v1." + 12 digits + "." + 10 digits + "." + 43 base64url chars. */
const MAX_VALUE = 80;
const VALUE = /^v1\.(\d{12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

export interface SandboxClaim {
  account: string;
  /** Epoch ms. */
  expiresAt: number;
}

const signed = (account: string, expSeconds: number) => `v1.${account}.${expSeconds}`;

/** The Set-Cookie header value binding the browser to `claim`. */
export async function sandboxCookie(
  sealKey: string,
  claim: SandboxClaim,
  secure: boolean,
): Promise<string> {
  const { cookie } = await deriveKeys(sealKey);
  const exp = Math.floor(claim.expiresAt / 1000);
  const text = signed(claim.account, exp);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', cookie, utf8(text)));
  const maxAge = Math.max(0, exp - Math.floor(Date.now() / 1000));
  return [
    `${COOKIE_NAME}=${text}.${toBase64Url(mac)}`,
    'Path=/',
    `Max-Age=${maxAge}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/**
 * The sandbox a request's cookie names, or null when it has none, or one that is malformed, forged
 * or expired. Bounded work: the header is scanned once and at most one MAC is verified.
 */
export async function readSandboxCookie(
  sealKey: string,
  cookieHeader: string | undefined,
  now: number,
): Promise<SandboxClaim | null> {
  if (!cookieHeader || cookieHeader.length > 8192) return null;
  let value: string | undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === COOKIE_NAME) value = part.slice(eq + 1).trim();
  }
  if (!value || value.length > MAX_VALUE) return null;
  const m = VALUE.exec(value);
  if (!m) return null;
  const [, account, expText, macText] = m;
  const mac = fromBase64Url(macText);
  if (!mac) return null;
  const { cookie } = await deriveKeys(sealKey);
  const exp = Number(expText);
  // crypto.subtle.verify compares in constant time.
  if (!(await crypto.subtle.verify('HMAC', cookie, mac, utf8(signed(account, exp))))) return null;
  if (exp * 1000 <= now) return null;
  return { account, expiresAt: exp * 1000 };
}
