import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productionRateLimits } from '../../src/local/serve.ts';
import { startServer, type Server } from './server.ts';

// The local server served with the public deployment's limits (docs/security.md), per client
// address; the address is the local server's own, whatever CF-Connecting-IP a client sends.
const LIMITS = productionRateLimits();
const PUBLIC = LIMITS.PUBLIC_LIMIT!.simple.limit;

describe('rate limits on the npm start server', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer({ ratelimits: LIMITS });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a forged CF-Connecting-IP does not give a client a fresh budget', async () => {
    const statuses: number[] = [];
    // Fixed windows: at least PUBLIC requests pass, and a refusal comes within 2 x PUBLIC + 1.
    for (let i = 0; i < 2 * PUBLIC + 2 && !statuses.includes(429); i++) {
      const res = await fetch(`${server.url}/health`, {
        headers: { 'CF-Connecting-IP': `198.51.100.${i % 250}` },
      });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses.indexOf(429)).toBeGreaterThanOrEqual(PUBLIC);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
  });
});
