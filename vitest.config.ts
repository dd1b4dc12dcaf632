import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { buildDemo } from './src/demo/build.ts';

// The Worker's static assets (the demo page) must exist before wrangler's config is read; `npm test`
// builds them in pretest, a bare `npx vitest` here.
if (!existsSync('dist/demo/index.html')) await buildDemo();

export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        // Runtime tests: inside workerd, against the real Worker and its local KV / Durable Objects.
        plugins: [cloudflareTest({ wrangler: { configPath: './wrangler.toml' } })],
        test: {
          name: 'workers',
          include: ['test/**/*.test.ts'],
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
