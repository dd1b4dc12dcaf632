/**
 * `npm run seed -- path/to/seed.json`: applies a seed document to LOCAL state, the state `npm start`
 * (wrangler dev) serves. It opens the same persisted Miniflare storage (.wrangler/state/v3, or
 * ROLECALL_STATE) through wrangler's getPlatformProxy and runs the Worker's own applySeed on it, so
 * the document is validated exactly as POST /admin/v1/apply validates it; no server needs to run
 * and no admin token is involved. Idempotent: applying the same file again changes nothing.
 */
import { readFileSync } from 'node:fs';
import { getPlatformProxy } from 'wrangler';
import type { Env } from '../env.ts';
import { applySeed } from './apply.ts';
import { parseSeed } from './schema.ts';
import { KvIamStore } from '../store/kv.ts';

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run seed -- path/to/seed.json');
  process.exit(2);
}

let json: unknown;
try {
  json = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.error(`${file}: ${(e as Error).message}`);
  process.exit(1);
}
const parsed = parseSeed(json);
if (!parsed.success) {
  for (const issue of parsed.error.issues)
    console.error(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  process.exit(1);
}

const proxy = await getPlatformProxy<Env>({
  configPath: new URL('../../wrangler.toml', import.meta.url).pathname,
  persist: { path: process.env.ROLECALL_STATE ?? '.wrangler/state/v3' },
});
try {
  const summary = await applySeed(
    proxy.env,
    new KvIamStore(proxy.env.IAM),
    parsed.data,
    Date.now(),
  );
  console.log(
    `${file}: applied to ${summary.accounts} account(s): ${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged`,
  );
} catch (e) {
  const err = e as Error & { code?: string };
  console.error(`${file}: ${err.code ? `${err.code}: ` : ''}${err.message}`);
  process.exitCode = 1;
} finally {
  await proxy.dispose();
}
