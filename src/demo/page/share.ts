/**
 * Permalinks: the whole setup, deflated and base64url-encoded, in the URL's fragment (`#s=...`).
 * The fragment never reaches the server, so sharing needs no storage, and `GET /` stays without a
 * query string. Bounded: a fragment over 16 KB or a setup that does not decode is ignored.
 */
import type { CallerId, Setup } from './setup.ts';
import { CLASSIC } from './setup.ts';

const MAX_FRAGMENT = 16 * 1024;
const CALLERS: CallerId[] = ['admin', 'alice', 'partner', 'service', 'root', 'chain', 'github'];

async function pipe(
  bytes: Uint8Array,
  stream: CompressionStream | DecompressionStream,
): Promise<Uint8Array> {
  const out = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

const toBase64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const fromBase64Url = (text: string) =>
  Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

export async function encodeSetup(setup: Setup): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(setup));
  return `#s=${toBase64Url(await pipe(bytes, new CompressionStream('deflate-raw')))}`;
}

export async function decodeSetup(hash: string): Promise<Setup | null> {
  if (!hash.startsWith('#s=') || hash.length > MAX_FRAGMENT) return null;
  try {
    const bytes = await pipe(fromBase64Url(hash.slice(3)), new DecompressionStream('deflate-raw'));
    if (bytes.length > 64 * 1024) return null;
    const raw: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return raw && typeof raw === 'object' ? setupFrom(raw as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A setup from untrusted JSON: each field of the right type, or the classic role's. */
export function setupFrom(raw: Record<string, unknown>): Setup {
  const text = (k: keyof Setup) =>
    typeof raw[k] === 'string' ? (raw[k] as string) : String(CLASSIC[k]);
  return {
    roleName: text('roleName'),
    trust: text('trust'),
    permissions: text('permissions'),
    boundary: text('boundary'),
    session: text('session'),
    caller: CALLERS.includes(raw.caller as CallerId) ? (raw.caller as CallerId) : CLASSIC.caller,
    externalId: text('externalId'),
    duration: typeof raw.duration === 'number' ? raw.duration : CLASSIC.duration,
    action: text('action'),
    resource: text('resource'),
    context: text('context'),
  };
}
