import type { Env } from '../env.ts';

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
