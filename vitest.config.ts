import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { buildDemo } from './src/demo/build.ts';
import { productionRateLimits } from './src/local/serve.ts';

// The Worker's static assets (the demo page) must exist before wrangler's config is read; `npm test`
// builds them in pretest, a bare `npx vitest` here when they are missing or older than their sources.
const newest = (dir: string): number =>
  Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
    ),
  );
const built = (() => {
  try {
    return statSync('dist/demo/index.html').mtimeMs;
  } catch {
    return 0;
  }
})();
if (built < Math.max(newest('src/demo/page'), newest('src/policy'))) await buildDemo();

export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        // Runtime tests: inside workerd, against the real Worker and its local KV / Durable Objects.
        // With the public deployment's rate limits (the local ones are generous: docs/security.md).
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: { ratelimits: productionRateLimits() },
          }),
        ],
        test: {
          name: 'workers',
          include: ['test/**/*.test.ts'],
          // A file's first test seeds the demo account and starts Durable Objects: seconds on a busy
          // 2-core machine, so the 5 s default would fail tests for the machine's load, not their subject.
          testTimeout: 30_000,
          exclude: ['test/node/**', 'test/e2e/**'],
        },
      },
      {
        // The evaluator in plain Node: proves src/policy is portable.
        test: { name: 'node', include: ['test/node/**/*.test.ts'], environment: 'node' },
      },
      {
        // Real clients against a real port.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
