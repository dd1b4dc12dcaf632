/** Production Worker bundle size, raw and gzipped, from `wrangler deploy --dry-run --env production` (no account needed). */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '../..');
const out = await mkdtemp(join(tmpdir(), 'rolecall-bundle-'));
try {
  await promisify(execFile)(
    join(root, 'node_modules/.bin/wrangler'),
    ['deploy', '--dry-run', '--env', 'production', '--outdir', out],
    {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
    },
  );
  let raw = 0;
  let gz = 0;
  for (const f of await readdir(out)) {
    if (!f.endsWith('.js')) continue;
    const bytes = await readFile(join(out, f));
    raw += bytes.byteLength;
    gz += gzipSync(bytes, { level: 9 }).byteLength;
  }
  console.log(
    `\nWorker bundle: ${(raw / 1024).toFixed(1)} KiB, ${(gz / 1024).toFixed(1)} KiB gzipped (target <= 100 KB gzipped)`,
  );
} finally {
  await rm(out, { recursive: true, force: true });
}
