/**
 * Per-client-IP rate limits of the demo (Workers rate limiting binding, `[[ratelimits]]` in
 * wrangler.toml; docs/security.md). The client's address is Cloudflare's `CF-Connecting-IP`, which
 * the edge sets and a client cannot override; locally (no edge) one shared bucket is used when it
 * is absent.
 */
export function clientIp(headers: Headers): string {
  return headers.get('cf-connecting-ip') ?? 'local';
}

/**
 * Whether a request from `ip` is within `limiter`'s budget. A deployment without the binding has no
 * limit. Fails open if the binding itself fails: the limits protect the demo's capacity, and an
 * outage of the limiter must not turn every request into an error.
 */
export async function withinLimit(
  limiter: RateLimit | undefined,
  scope: string,
  ip: string,
): Promise<boolean> {
  if (!limiter) return true;
  try {
    return (await limiter.limit({ key: `${scope}:${ip}` })).success;
  } catch (e) {
    console.error('rate limiter unavailable', e);
    return true;
  }
}
