/**
 * Instructions per request of the `npm start` server, counted by valgrind's callgrind on workerd:
 * repeatable on a shared machine where CPU time is not (neighbours, frequency, caches).
 *
 *   node test/bench/instructions.ts AssumeRole [requests]   (INSTRUCTIONS_WARMUP=500 before them;
 *   INSTRUCTIONS_CONCURRENCY=8 keeps 8 requests in flight, as the HTTP benchmark's connections do)
 *
 * Starts the server with workerd under callgrind (MINIFLARE_WORKERD_PATH), runs the HTTP
 * benchmark's workload of that name (test/bench/http.ts) once to warm up, then counts the
 * instructions workerd executes while answering `requests` more, and does the same for the
 * hello-world Worker; prints both per request and the difference.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startServer } from '../../src/local/serve.ts';
import type { Server } from '../../src/local/serve.ts';
import { rolecallWorkloads } from './http.ts';
import type { Workload } from './http.ts';

process.env.WRANGLER_LOG ??= 'error';
const run = promisify(execFile);

const name = process.argv[2] ?? 'AssumeRole';
const count = Number(process.argv[3] ?? 200);
const warmup = Number(process.env.INSTRUCTIONS_WARMUP ?? 500);
const WORKERD = resolve(
  import.meta.dirname,
  '../../node_modules/@cloudflare/workerd-linux-64/bin/workerd',
);

const work = await mkdtemp(join(tmpdir(), 'rolecall-instructions-'));
const out = join(work, 'cg');
await mkdir(out);
const wrapper = join(work, 'workerd');
await writeFile(
  wrapper,
  `#!/bin/sh\nexec valgrind --tool=callgrind --smc-check=all-non-file --callgrind-out-file=${out}/cg.%p "${WORKERD}" "$@"\n`,
);
await chmod(wrapper, 0o755);
process.env.MINIFLARE_WORKERD_PATH = wrapper;

/** Instructions of the last callgrind dump. */
async function dumpTotal(): Promise<number> {
  await run('callgrind_control', ['--dump']);
  let best = 0;
  let total = 0;
  for (const f of await readdir(out)) {
    const n = Number(f.split('.').pop());
    if (!Number.isInteger(n) || n < best) continue;
    const text = await readFile(join(out, f), 'utf8');
    const m = /^summary:\s+(\d+)/m.exec(text) ?? /^totals:\s+(\d+)/m.exec(text);
    if (m) {
      best = n;
      total = Number(m[1]);
    }
  }
  return total;
}

/** Requests in flight at once (INSTRUCTIONS_CONCURRENCY, default 1: one after another). */
const concurrency = Number(process.env.INSTRUCTIONS_CONCURRENCY ?? 1);

async function send(server: Server, w: Workload, n: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, () => sendSome(server, w, () => next++, n)),
  );
}

async function sendSome(server: Server, w: Workload, take: () => number, n: number) {
  for (let i = take(); i < n; i = take()) {
    const c = w.calls[i % w.calls.length];
    const res = await fetch(server.url + c.path, {
      method: c.method,
      headers: c.headers,
      body: c.body,
    });
    const body = await res.text();
    const wrong = w.check(res.status, body);
    if (wrong !== undefined)
      throw new Error(`${w.name}: ${res.status} ${wrong}: ${body.slice(0, 200)}`);
  }
}

async function measure(server: Server, w: Workload): Promise<number> {
  await send(server, w, warmup); // JIT tiers and caches settle first, or compiling is counted too
  await dumpTotal();
  await send(server, w, count);
  return (await dumpTotal()) / count;
}

const hello: Workload = {
  name: 'hello-world',
  calls: [{ method: 'GET', path: '/', headers: {} }],
  check: (s, b) => (s === 200 && b === 'hello world' ? undefined : 'not hello world'),
};
try {
  let server = await startServer({
    config: resolve(import.meta.dirname, 'hello-world.toml'),
    port: 0,
    persist: false,
  });
  const base = await measure(server, hello);
  await server.stop();
  const state = join(work, 'state');
  server = await startServer({ port: 0, persist: state });
  try {
    const w = (await rolecallWorkloads(server)).find(
      (x): x is Workload => typeof x !== 'string' && x.name === name,
    );
    if (w === undefined) throw new Error(`no workload named ${name}`);
    const per = await measure(server, w);
    const m = (n: number) => (n / 1e6).toFixed(3) + ' M';
    console.log(
      `hello-world ${m(base)} instructions/request; ${name} ${m(per)}; over hello-world ${m(per - base)}`,
    );
  } finally {
    await server.stop();
  }
} finally {
  // INSTRUCTIONS_KEEP=1 keeps the callgrind dumps (callgrind_annotate <file>) and prints where.
  if (process.env.INSTRUCTIONS_KEEP) console.log(`callgrind dumps: ${out}`);
  else await rm(work, { recursive: true, force: true });
}
