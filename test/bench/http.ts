/**
 * Throughput, latency and server CPU per request against the `npm start` server (src/local/serve.ts),
 * on a real loopback port, with autocannon. The baseline is a hello-world Worker served the same way
 * (test/bench/hello-world.ts); rolecall's figures are then GET /health, GetCallerIdentity with the
 * demo admin's long-term key and with a session key, AssumeRole, and one AuthZEN evaluation when the
 * endpoint exists. Each workload cycles through at least 1,000 distinct requests (signed in advance:
 * distinct signing times, session names, subjects and resources), every answer's status and body is
 * checked, and any failure fails the benchmark. One second of warm-up per workload is discarded,
 * then each figure is the median of 3 runs (BENCH_HTTP_RUNS). Server CPU is the workerd processes'
 * user + system time over a run, per request. Every run of a workload follows a run of the baseline
 * (both servers stay up), and "over hello-world" is the median of the run-by-run differences, so a
 * machine whose speed drifts during the benchmark moves both sides of each difference alike.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import autocannon from 'autocannon';
import { startServer } from '../../src/local/serve.ts';
import type { Server } from '../../src/local/serve.ts';
import { DEMO_ADMIN, signedRequest, WebCryptoSha256, xmlText } from '../helpers/aws.ts';
import type { Credentials } from '../helpers/aws.ts';
import { serverCpuMs } from './server-cpu.ts';
import { webIdentityCalls } from './web-identity.ts';

process.env.WRANGLER_LOG ??= 'error';

const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 3);
const WARM_S = 1;
const CONNECTIONS = 8;
const DISTINCT = 1000;
const ACCOUNT = '123456789012';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/demo-readonly`;
/** BENCH_HTTP_ONLY=text runs only the workloads whose name contains it (the baseline always runs). */
const ONLY = process.env.BENCH_HTTP_ONLY;

interface Call {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Workload {
  name: string;
  calls: Call[];
  /** Why an answer is wrong, or undefined when it is right. */
  check(status: number, body: string): string | undefined;
  /** Exact expected bodies, by request body. */
  expect?: Map<string, string>;
}

export interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  /** workerd CPU milliseconds per request. */
  cpuMs: number;
  /** CPU per request over the baseline's, run for run (the median of the differences). */
  overBaseline?: number;
}

export async function run(url: string, w: Workload, seconds: number, connections = CONNECTIONS) {
  const failures: string[] = [];
  const requests = w.calls.map((c) => ({
    ...c,
    onResponse(status: number, body: string) {
      const exact = w.expect?.get(c.body ?? '');
      const wrong =
        exact !== undefined && (status !== 200 || body !== exact)
          ? `expected ${exact}`
          : w.check(status, body);
      if (wrong !== undefined && failures.length < 3)
        failures.push(`${status} ${wrong}: ${body.slice(0, 300)}`);
      else if (wrong !== undefined) failures.push('');
    },
  }));
  const cpu = serverCpuMs();
  const r = await autocannon({ url, requests, connections, duration: seconds });
  const cpuMs = serverCpuMs() - cpu;
  const errors = r.errors + r.timeouts + r.non2xx;
  if (failures.length > 0 || errors > 0) {
    throw new Error(
      `${w.name}: ${failures.length} wrong answers, ${errors} errors or non-2xx\n  ${failures.filter(Boolean).join('\n  ')}`,
    );
  }
  return { r, cpuMs };
}

/** Runs per figure: each figure is the median of RUNS runs (the machine is shared and noisy). */
const RUNS = Number(process.env.BENCH_HTTP_RUNS ?? 3);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  cpuMs: number;
}

async function sample(url: string, w: Workload, connections: number): Promise<Sample> {
  const { r, cpuMs } = await run(url, w, DURATION_S, connections);
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    cpuMs: cpuMs / r.requests.total,
  };
}

function summary(name: string, runs: Sample[], over?: number): Result {
  return {
    name,
    rps: median(runs.map((x) => x.rps)),
    p50: median(runs.map((x) => x.p50)),
    p99: median(runs.map((x) => x.p99)),
    cpuMs: median(runs.map((x) => x.cpuMs)),
    ...(over === undefined ? {} : { overBaseline: over }),
  };
}

/**
 * RUNS runs of `w`, each right after a run of the baseline (hello-world, on its own server): the
 * machine's speed drifts over a benchmark, so each run's CPU is compared with the baseline's just
 * before it, and the figure over the baseline is the median of those differences.
 */
async function measure(
  url: string,
  w: Workload,
  baseline: Baseline,
  connections = CONNECTIONS,
): Promise<Result> {
  await run(url, w, WARM_S, connections);
  const runs: Sample[] = [];
  const over: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const base = await sample(baseline.url, baseline.workload, CONNECTIONS);
    baseline.runs.push(base);
    const one = await sample(url, w, connections);
    runs.push(one);
    over.push(one.cpuMs - base.cpuMs);
  }
  const name = connections === CONNECTIONS ? w.name : `${w.name} (${connections} connection)`;
  return summary(name, runs, median(over));
}

/** The hello-world Worker's server, and its runs so far (its row is their median). */
interface Baseline {
  url: string;
  workload: Workload;
  runs: Sample[];
}

async function signed(url: string, params: Record<string, string>, creds: Credentials, at: Date) {
  const req = await signedRequest(params, creds, { url, signingDate: at });
  const headers = Object.fromEntries(req.headers);
  return { method: 'POST' as const, path: '/', headers, body: await req.text() };
}

/** DISTINCT requests signed at distinct times of the last few minutes (all inside SigV4's 15). */
async function signedMany(
  url: string,
  creds: Credentials,
  params: (i: number) => Record<string, string>,
): Promise<Call[]> {
  const now = Date.now();
  const calls: Call[] = [];
  for (let i = 0; i < DISTINCT; i++) {
    calls.push(await signed(url, params(i), creds, new Date(now - (i % 300) * 1000 - i)));
  }
  return calls;
}

const has = (body: string, ...parts: string[]) =>
  parts.every((p) => body.includes(p)) ? undefined : `expected ${parts.join(' and ')}`;
const ok = (status: number, then: () => string | undefined) =>
  status === 200 ? then() : 'not 200';

const HELLO: Workload = {
  name: 'hello-world Worker (baseline)',
  calls: [{ method: 'GET', path: '/', headers: {} }],
  check: (s, b) => ok(s, () => (b === 'hello world' ? undefined : 'not hello world')),
};

async function sessionCredentials(url: string): Promise<Credentials> {
  const res = await fetch(
    url + '/',
    await signedRequest(
      { Action: 'AssumeRole', RoleArn: ROLE_ARN, RoleSessionName: 'bench' },
      DEMO_ADMIN,
      { url: url + '/' },
    ),
  );
  const xml = await res.text();
  if (res.status !== 200) throw new Error(`AssumeRole for the session key: ${xml}`);
  return {
    accessKeyId: xmlText(xml, 'AccessKeyId')!,
    secretAccessKey: xmlText(xml, 'SecretAccessKey')!,
    sessionToken: xmlText(xml, 'SessionToken')!,
  };
}

export async function rolecallWorkloads(server: Server): Promise<Array<Workload | string>> {
  const url = server.url + '/';
  const seeded = await fetch(url + 'health'); // the first request seeds the demo account
  if (!seeded.ok) throw new Error(`GET /health: ${seeded.status}`);
  const session = await sessionCredentials(server.url);
  const gci = { Action: 'GetCallerIdentity' };
  const workloads: Array<Workload | string> = [
    {
      name: 'GET /health',
      calls: [{ method: 'GET', path: '/health', headers: {} }],
      check: (s, b) => ok(s, () => (b === '{"ok":true}' ? undefined : 'not {"ok":true}')),
    },
    {
      name: 'GetCallerIdentity (long-term key)',
      calls: await signedMany(url, DEMO_ADMIN, () => gci),
      check: (s, b) => ok(s, () => has(b, `<Arn>arn:aws:iam::${ACCOUNT}:user/admin</Arn>`)),
    },
    {
      name: 'GetCallerIdentity (session key)',
      calls: await signedMany(url, session, () => gci),
      check: (s, b) =>
        ok(s, () => has(b, `<Arn>arn:aws:sts::${ACCOUNT}:assumed-role/demo-readonly/bench</Arn>`)),
    },
    {
      name: 'AssumeRole',
      calls: await signedMany(url, DEMO_ADMIN, (i) => ({
        Action: 'AssumeRole',
        RoleArn: ROLE_ARN,
        RoleSessionName: `bench-${i}`,
      })),
      check: (s, b) =>
        ok(s, () =>
          has(b, `:assumed-role/demo-readonly/bench-`, '<AccessKeyId>ASIA', '<SessionToken>'),
        ),
    },
    {
      name: 'AssumeRoleWithWebIdentity',
      calls: await webIdentityCalls(server.url, DISTINCT),
      check: (s, b) =>
        ok(s, () => has(b, ':assumed-role/bench-web-identity/wi-', '<AccessKeyId>ASIA')),
    },
  ];
  workloads.push(...(await authzen(server.url)));
  return workloads;
}

/** A JSON POST signed for service iam, as an AuthZEN PEP sends it. */
async function signedJson(url: string, path: string, body: string, at: Date): Promise<Call> {
  const u = new URL(path, url);
  const signer = new SignatureV4({
    service: 'iam',
    region: 'us-east-1',
    credentials: DEMO_ADMIN,
    sha256: WebCryptoSha256,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: u.protocol,
      hostname: u.hostname,
      port: Number(u.port),
      path: u.pathname,
      query: {},
      headers: { host: u.host, 'content-type': 'application/json' },
      body,
    },
    { signingDate: at },
  );
  return { method: 'POST', path, headers: signed.headers, body };
}

const AUTHZEN_ACTIONS = ['s3:GetObject', 's3:PutObject', 'dynamodb:GetItem', 'iam:CreateUser'];

/**
 * One AuthZEN evaluation (POST /access/v1/evaluation) per request, by the demo admin about itself
 * or the demo-readonly role: subjects, actions and resources vary over DISTINCT requests. Each
 * request's answer is taken once before timing and every timed answer must equal it.
 */
async function authzen(base: string): Promise<Array<Workload | string>> {
  const probe = await fetch(base + '/access/v1/evaluation', { method: 'POST', body: '{}' });
  if (probe.status === 404) {
    return ['AuthZEN evaluation: skipped, this build has no POST /access/v1/evaluation'];
  }
  const now = Date.now();
  const calls: Call[] = [];
  for (let i = 0; i < DISTINCT; i++) {
    const subject = i % 2 === 0 ? `arn:aws:iam::${ACCOUNT}:user/admin` : ROLE_ARN;
    const body = JSON.stringify({
      subject: { type: 'iam_principal', id: subject },
      action: { name: AUTHZEN_ACTIONS[i % AUTHZEN_ACTIONS.length] },
      resource: { type: 'aws_resource', id: `arn:aws:s3:::bench-${i % 97}/object-${i}` },
    });
    calls.push(await signedJson(base, '/access/v1/evaluation', body, new Date(now - i * 100)));
  }
  const single: Workload = {
    name: 'AuthZEN evaluation',
    calls,
    check: () => undefined,
    expect: await answersOf(base, calls, 'AuthZEN evaluation'),
  };
  const batches: Call[] = [];
  for (let i = 0; i < BATCHES; i++) {
    const evaluations = Array.from({ length: BATCH_ITEMS }, (_, j) => ({
      action: { name: AUTHZEN_ACTIONS[(i + j) % AUTHZEN_ACTIONS.length] },
      resource: { type: 'aws_resource', id: `arn:aws:s3:::bench-${j % 97}/object-${i}-${j}` },
    }));
    const body = JSON.stringify({
      subject: {
        type: 'iam_principal',
        id: i % 2 === 0 ? `arn:aws:iam::${ACCOUNT}:user/admin` : ROLE_ARN,
      },
      context: { 'aws:SourceIp': '203.0.113.9', 'aws:SecureTransport': true },
      evaluations,
    });
    batches.push(await signedJson(base, '/access/v1/evaluations', body, new Date(now - i * 1000)));
  }
  const batch: Workload = {
    name: AUTHZEN_BATCH,
    calls: batches,
    check: () => undefined,
    expect: await answersOf(base, batches, AUTHZEN_BATCH),
  };
  return [single, batch];
}

/** Items per AuthZEN batch request, and distinct batch bodies. */
const BATCH_ITEMS = 100;
const BATCHES = 200;
const AUTHZEN_BATCH = `AuthZEN evaluations (${BATCH_ITEMS}/batch)`;

/**
 * Every call's answer, taken once before timing (timed answers must equal it), after checking
 * that both decisions occur.
 */
async function answersOf(base: string, calls: Call[], name: string): Promise<Map<string, string>> {
  const expected = new Map<string, string>();
  const decisions = new Set<string>();
  for (const call of calls) {
    const res = await fetch(base + call.path, {
      method: 'POST',
      headers: call.headers,
      body: call.body,
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${name}: ${res.status} ${text}`);
    expected.set(call.body!, text);
    const answer = JSON.parse(text) as {
      decision?: unknown;
      evaluations?: Array<{ decision: unknown }>;
    };
    for (const d of answer.evaluations ?? [answer]) decisions.add(String(d.decision));
  }
  if (!decisions.has('true') || !decisions.has('false')) {
    throw new Error(`${name}: expected both decisions, got ${[...decisions].join(', ')}`);
  }
  return expected;
}

const COLUMNS: Array<[string, number]> = [
  ['workload', -34],
  ['req/s', 7],
  ['p50 ms', 7],
  ['p99 ms', 7],
  ['CPU ms/req', 10],
  ['over hello-world', 16],
];

function line(cells: string[]): string {
  return cells
    .map((c, i) => (COLUMNS[i][1] < 0 ? c.padEnd(-COLUMNS[i][1]) : c.padStart(COLUMNS[i][1])))
    .join('  ')
    .trimEnd();
}

export async function benchHttp(): Promise<{ results: Result[]; notes: string[] }> {
  const hello = await startServer({
    config: resolve(import.meta.dirname, 'hello-world.toml'),
    port: 0,
    persist: false,
  });
  const baseline: Baseline = { url: hello.url, workload: HELLO, runs: [] };
  await run(hello.url, HELLO, WARM_S);
  const results: Result[] = [];
  const notes: string[] = [];
  // BENCH_STATE: where the server's state folder goes (e.g. /dev/shm: Durable Object commits without disk syncs).
  const state = await mkdtemp(join(process.env.BENCH_STATE ?? tmpdir(), 'rolecall-bench-'));
  // Limits off: one load generator is one client address, and this measures the server's work per
  // request, not the limiter (a successful signed call never reaches the limiter anyway).
  const server = await startServer({ port: 0, persist: state, vars: { RATE_LIMITS: 'off' } });
  try {
    const workloads = await rolecallWorkloads(server);
    for (const w of workloads) {
      if (typeof w === 'string') notes.push(w);
      else if (ONLY === undefined || w.name.includes(ONLY))
        results.push(await measure(server.url, w, baseline));
    }
    // Latency without queueing: one request at a time, GET /health then one AuthZEN evaluation.
    for (const name of ['GET /health', 'AuthZEN evaluation']) {
      const w = workloads.find((x): x is Workload => typeof x !== 'string' && x.name === name);
      if (w !== undefined && (ONLY === undefined || 'AuthZEN'.includes(ONLY)))
        results.push(await measure(server.url, w, baseline, 1));
    }
  } finally {
    await server.stop();
    await hello.stop();
    await rm(state, { recursive: true, force: true });
  }
  return { results: [summary(HELLO.name, baseline.runs), ...results], notes };
}

if (import.meta.main) {
  const { results, notes } = await benchHttp();
  console.log(
    `\nHTTP: the npm start server (workerd), ${CONNECTIONS} connections, ${DISTINCT} distinct requests per signed workload; each figure the median of ${RUNS} runs of ${DURATION_S} s after ${WARM_S} s of warm-up, each run right after one of the hello-world baseline (over hello-world: the median of the run-by-run differences)`,
  );
  console.log(line(COLUMNS.map(([t]) => t)));
  for (const r of results) {
    console.log(
      line([
        r.name,
        Math.round(r.rps).toLocaleString('en-US'),
        String(r.p50),
        String(r.p99),
        r.cpuMs.toFixed(3),
        r.overBaseline === undefined
          ? ''
          : `${r.overBaseline < 0 ? '' : '+'}${r.overBaseline.toFixed(3)} ms`,
      ]),
    );
  }
  for (const n of notes) console.log(n);
  // The AuthZEN targets (issue 10): decisions per second through batches, and a single
  // evaluation's median latency against GET /health's in the same run.
  const health = results.find((r) => r.name === 'GET /health (1 connection)');
  const one = results.find((r) => r.name === 'AuthZEN evaluation (1 connection)');
  const many = results.find((r) => r.name === AUTHZEN_BATCH);
  if (many !== undefined) {
    console.log(
      `AuthZEN batches: ${Math.round(many.rps * BATCH_ITEMS).toLocaleString('en-US')} decisions/s (${BATCH_ITEMS} per request; target >= 20,000)`,
    );
  }
  if (one !== undefined && health !== undefined) {
    console.log(
      `AuthZEN single evaluation, one connection: p50 ${one.p50} ms vs GET /health ${health.p50} ms (+${(one.p50 - health.p50).toFixed(1)} ms; target <= 2 ms), p99 ${one.p99} ms vs ${health.p99} ms`,
    );
  }
}
