/**
 * The cost of one IAM write against a local Worker on a real port (wrangler's unstable_startWorker,
 * workerd): TagRole on one role, requests one after another, median latency; GetRole on the same
 * role in the same run is the baseline (a signed IAM call that reads only). Then 50 TagRole calls at
 * once on that role: wall time of the burst. `node test/bench/iam-write.ts` (BENCH_WRITES=N).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { unstable_startWorker } from 'wrangler';
import { DEMO_ADMIN, signedRequest } from '../helpers/aws.ts';

process.env.WRANGLER_LOG ??= 'error';

const N = Number(process.env.BENCH_WRITES ?? 200);
const BURST = 50;
const ROLE = 'bench-writes';
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});

async function send(url: string, params: Record<string, string>): Promise<number> {
  const req = await signedRequest(params, DEMO_ADMIN, { url, service: 'iam' });
  const started = performance.now();
  const res = await fetch(req);
  await res.arrayBuffer();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`${params.Action}: HTTP ${res.status}`);
  return ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

const tag = (i: number) => ({
  Action: 'TagRole',
  RoleName: ROLE,
  'Tags.member.1.Key': `k${i % 40}`,
  'Tags.member.1.Value': `v${i}`,
});

const state = await mkdtemp(join(tmpdir(), 'rolecall-bench-'));
const worker = await unstable_startWorker({
  config: resolve(import.meta.dirname, '../../wrangler.toml'),
  dev: { server: { hostname: '127.0.0.1', port: 0 }, inspector: false, persist: state },
});
try {
  await worker.ready;
  const url = (await worker.url).href;
  await send(url, { Action: 'CreateRole', RoleName: ROLE, AssumeRolePolicyDocument: TRUST });
  for (let i = 0; i < 20; i++) await send(url, tag(i)); // warm-up
  const reads: number[] = [];
  const writes: number[] = [];
  // Interleaved, so drift of the machine's load affects both alike.
  for (let i = 0; i < N; i++) {
    reads.push(await send(url, { Action: 'GetRole', RoleName: ROLE }));
    writes.push(await send(url, tag(i)));
  }
  const burstStart = performance.now();
  await Promise.all(Array.from({ length: BURST }, (_, i) => send(url, tag(i))));
  const burst = performance.now() - burstStart;
  const r = median(reads);
  const w = median(writes);
  console.log(`IAM write cost (${N} sequential calls each, medians; one run, same-run baseline)`);
  console.log(`  GetRole (read, baseline)   ${r.toFixed(2)} ms`);
  console.log(`  TagRole (write)            ${w.toFixed(2)} ms   x ${(w / r).toFixed(2)} vs read`);
  console.log(
    `  ${BURST} TagRole at once         ${burst.toFixed(0)} ms wall (${(burst / BURST).toFixed(2)} ms per write)`,
  );
} finally {
  await worker.dispose();
  await rm(state, { recursive: true, force: true });
}
