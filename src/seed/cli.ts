/**
 * `npm run seed -- path/to/seed.json`: applies a seed document to LOCAL state, the state `npm start`
 * serves (.wrangler/state/v3, or ROLECALL_STATE). The document goes through the Worker's own
 * POST /admin/v1/apply, so each account's part is applied in that account's Durable Object, ordered
 * with its IAM writes, and validated exactly as a deployed instance validates it:
 * - when `npm start` serves the folder, to that server (its claim on the folder names its URL and
 *   admin token, src/local/state-claim.ts), so a seed and the server's own writes cannot lose each
 *   other;
 * - otherwise to a server of its own on the folder, claimed for the time of the apply (an
 *   `npm start` begun meanwhile waits for nothing: it refuses the claimed folder and says so).
 * Idempotent: applying the same file again changes nothing.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Server } from '../local/serve.ts';
import { claimFile, liveClaim, StateInUse, type StateClaim } from '../local/state-claim.ts';
import type { SeedSummary } from './apply.ts';
import { parseSeed } from './schema.ts';

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run seed -- path/to/seed.json');
  process.exit(2);
}

let text: string;
try {
  text = readFileSync(file, 'utf8');
  const parsed = parseSeed(JSON.parse(text));
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      console.error(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    process.exit(1);
  }
} catch (e) {
  console.error(`${file}: ${(e as Error).message}`);
  process.exit(1);
}

const state = resolve(
  process.env.ROLECALL_STATE ?? resolve(import.meta.dirname, '../../.wrangler/state/v3'),
);

/** The server that holds the folder, once it answers (a server still starting is waited for). */
async function runningServer(): Promise<StateClaim | null> {
  for (let waited = 0; waited < 60_000; waited += 250) {
    const claim = liveClaim(state);
    if (claim === null || claim.url !== '') return claim;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the rolecall server on ${state} did not finish starting`);
}

let own: Server | undefined;
try {
  let target = await runningServer();
  if (target === null) {
    try {
      // Loaded only here: bundling and starting workerd is what a running server saves.
      const { startServer } = await import('../local/serve.ts');
      own = await startServer({ port: 0, persist: state });
    } catch (e) {
      // A server claimed the folder between the check and the start: use it.
      if (!(e instanceof StateInUse)) throw e;
    }
    target = liveClaim(state) ?? (await runningServer());
    if (target === null) throw new Error(`no rolecall server holds ${state}`);
  }
  const server = target;
  const res = await fetch(`${server.url}/admin/v1/apply`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: text,
  }).catch((e: unknown) => {
    throw new Error(
      `cannot reach the rolecall server at ${server.url} (pid ${server.pid}) that claims ${state}: ${(e as Error).message}; if no rolecall server runs there, delete ${claimFile(state)}`,
    );
  });
  const answer = (await res.json()) as {
    applied?: SeedSummary;
    error?: { code: string; message: string; issues?: { path: string; message: string }[] };
  };
  if (res.ok && answer.applied) {
    const s = answer.applied;
    const via = own ? '' : ` (through the server at ${target.url})`;
    console.log(
      `${file}: applied to ${s.accounts} account(s)${via}: ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged`,
    );
  } else if (answer.error?.issues) {
    for (const issue of answer.error.issues)
      console.error(`${file}: ${issue.path || '(root)'}: ${issue.message}`);
    process.exitCode = 1;
  } else {
    const err = answer.error ?? { code: `HTTP ${res.status}`, message: res.statusText };
    console.error(`${file}: ${err.code}: ${err.message}`);
    process.exitCode = 1;
  }
} catch (e) {
  console.error(`${file}: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await own?.stop();
}
