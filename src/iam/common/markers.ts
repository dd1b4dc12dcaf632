import { toBase64Url, timingSafeEqual, utf8 } from '../../auth/encoding.ts';
import { IAM } from './constraints.ts';

/**
 * IAM list markers are opaque to clients and good only for the list that issued them: a Marker
 * from one List call given to another action, or to the same action in another account, is refused
 * (`ValidationError`, `Invalid Marker.`), never read as a position in the wrong list. Each marker
 * the operations make (a name, a KV cursor, a position: src/iam/common/paging.ts) leaves the Worker
 * as `<marker>.<tag>`, where the tag is an HMAC (key from SEAL_KEY, src/auth/secret-keys.ts) of the
 * account, the action and the marker, and comes back through `openMarker` before the operation
 * reads it. 17 characters are added, so markers stay within IAM's 320.
 */
const TAG_BYTES = 12;

/** What an operation sees for a marker that fails its tag: one no marker decoder accepts. */
export const REFUSED_MARKER = '\u00ff';

async function tag(key: CryptoKey, account: string, action: string, inner: string) {
  const mac = await crypto.subtle.sign('HMAC', key, utf8(`${account}\n${action}\n${inner}`));
  return toBase64Url(new Uint8Array(mac, 0, TAG_BYTES));
}

/** The marker a client is given for the operation's `inner` marker. */
export async function sealMarker(
  key: CryptoKey,
  account: string,
  action: string,
  inner: string,
): Promise<string> {
  return `${inner}.${await tag(key, account, action, inner)}`;
}

/**
 * The operation's marker inside a client's `Marker`, or REFUSED_MARKER when it was not issued for
 * this action and account (or was altered). A value outside the Marker parameter's constraints is
 * returned as is, so the operation reports IAM's constraint error for it.
 */
export async function openMarker(
  key: CryptoKey,
  account: string,
  action: string,
  marker: string,
): Promise<string> {
  if (marker.length > 320 || !IAM.marker.re.test(marker)) return marker;
  const dot = marker.lastIndexOf('.');
  if (dot <= 0) return REFUSED_MARKER;
  const inner = marker.slice(0, dot);
  const expected = await tag(key, account, action, inner);
  return timingSafeEqual(marker.slice(dot + 1), expected) ? inner : REFUSED_MARKER;
}
