import type { Env } from '../env.ts';
import { parseIp } from '../policy/conditions/ip.ts';

/**
 * The client's network address, the one notion of "client IP" of the Worker (rate limits,
 * `aws:SourceIp`): Cloudflare's `CF-Connecting-IP`, which the edge sets on every request from the
 * Internet and a client cannot choose. The local server (`npm start`, src/local/asset-front.ts)
 * decides it at its entry: LOCAL_CLIENT_IP, given in env (or in that header, overwritten, for the
 * requests its asset router forwards). A request without either did not come over a network (a
 * service binding, the in-process test harness): null.
 */
export function clientIp(request: Request, env: Env): string | null {
  return env.LOCAL_CLIENT_IP ?? request.headers.get('cf-connecting-ip');
}

/** What the local server answers for every client (loopback or LAN alike: workerd's socket does not say). */
export const LOCAL_CLIENT_IP = '127.0.0.1';

/** `aws:SourceIp` of a request: its client address, the local one when it has none. */
export function sourceIp(request: Request, env: Env): string {
  return clientIp(request, env) ?? LOCAL_CLIENT_IP;
}

/**
 * Whom the per-client rate limits count a request against (src/routes/limits.ts): its client
 * address, an IPv6 one by its /64 network. An IPv6 client is given a whole network (a /64 is the
 * smallest a provider hands out) and may send from any of its 2^64 addresses, so counting single
 * IPv6 addresses would give it a fresh budget per request. IPv4 addresses, and IPv4 clients seen
 * as IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`), count as themselves. `aws:SourceIp` keeps
 * the full address (`sourceIp`). Null for a request without an address, as `clientIp`.
 */
export function clientKey(request: Request, env: Env): string | null {
  const ip = clientIp(request, env);
  return ip === null ? null : limitKey(ip);
}

/** The rate limit key of an address (see clientKey): IPv4 as it is, IPv6 its /64, as `2001:db8:0:7::/64`. */
export function limitKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  const bytes = parseIp(ip);
  // Not an address (only a test harness sends such): counted as the text it is.
  if (bytes === null) return ip;
  if (bytes[10] === 0xff && bytes[11] === 0xff && bytes.subarray(0, 10).every((b) => b === 0)) {
    return bytes.subarray(12).join('.');
  }
  let key = '';
  for (let i = 0; i < 8; i += 2) key += ((bytes[i]! << 8) | bytes[i + 1]!).toString(16) + ':';
  return key + ':/64';
}
