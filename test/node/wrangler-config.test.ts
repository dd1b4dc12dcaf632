import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unstable_readConfig } from 'wrangler';
import { FAILURE_BLOCK_MS } from '../../src/routes/limits.ts';

const CONFIG = resolve(import.meta.dirname, '../../wrangler.toml');

interface RateLimitBinding {
  name: string;
  namespace_id: string;
  simple: { limit: number; period: number };
}

// Bindings are not inherited by wrangler environments: a binding missing from [env.production]
// silently disappears from the deployment (and a missing rate limit is no limit).
describe('wrangler.toml', () => {
  const top = unstable_readConfig({ config: CONFIG });
  const production = unstable_readConfig({ config: CONFIG, env: 'production' });

  it('[env.production] declares every binding of the top level, the rate limits alike', () => {
    const ids = (c: typeof top) =>
      c.ratelimits.map((r: RateLimitBinding) => [r.name, r.namespace_id, r.simple.period]);
    expect(ids(production)).toEqual(ids(top));
    expect(production.kv_namespaces.map((k: { binding: string }) => k.binding)).toEqual(
      top.kv_namespaces.map((k: { binding: string }) => k.binding),
    );
    expect(production.durable_objects.bindings).toEqual(top.durable_objects.bindings);
    expect(production.assets?.binding).toBe(top.assets?.binding);
  });

  it('declares the limits src/routes/limits.ts and docs/security.md describe', () => {
    const limitsOf = (c: typeof top) =>
      Object.fromEntries(c.ratelimits.map((r: RateLimitBinding) => [r.name, r.simple]));
    const limits = limitsOf(production);
    expect(limits).toEqual({
      DEMO_SANDBOX_LIMIT: { limit: 10, period: 60 },
      DEMO_API_LIMIT: { limit: 120, period: 10 },
      PUBLIC_LIMIT: { limit: 120, period: 10 },
      AUTH_FAILURE_LIMIT: { limit: 60, period: 10 },
    });
    // Locally every client is one address: the demo's own limits as deployed, the generic ones
    // generous enough never to stop a test suite (docs/security.md).
    expect(limitsOf(top)).toEqual({
      ...limits,
      PUBLIC_LIMIT: { limit: 10_000, period: 10 },
      AUTH_FAILURE_LIMIT: { limit: 10_000, period: 10 },
    });
    // A client over the failure limit is refused for the binding's period.
    expect(FAILURE_BLOCK_MS).toBe(limits.AUTH_FAILURE_LIMIT!.period * 1000);
    expect(new Set(top.ratelimits.map((r: RateLimitBinding) => r.namespace_id)).size).toBe(
      top.ratelimits.length,
    );
  });
});
