/**
 * STS throughput against a local Worker on a real port (the `npm start` server, src/local/serve.ts):
 * GetCallerIdentity and AssumeRole, signed in advance with the demo admin key, replayed by
 * autocannon. GET /health in the same run is the baseline (the cost of the HTTP path alone).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startServer } from '../../src/local/serve.ts';
import { DEMO_ADMIN, signedRequest } from '../helpers/aws.ts';

process.env.WRANGLER_LOG ??= 'error';

const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const CONNECTIONS = 16;

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(
  name: string,
  url: string,
  request: { method: string; headers: Record<string, string>; body?: string },
): Promise<Result> {
  const r = await autocannon({
    url,
    method: request.method as 'GET' | 'POST',
    headers: request.headers,
    body: request.body,
    connections: CONNECTIONS,
    duration: DURATION_S,
  });
  return {
    name,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.non2xx + r.errors,
  };
}

async function presigned(url: string, params: Record<string, string>) {
  const req = await signedRequest(params, DEMO_ADMIN, { url });
  return { method: 'POST', headers: Object.fromEntries(req.headers), body: await req.text() };
}

export async function benchHttp(): Promise<Result[]> {
  const state = await mkdtemp(join(tmpdir(), 'rolecall-bench-'));
  const worker = await startServer({ port: 0, persist: state });
  try {
    const url = worker.url + '/';
    await fetch(url + 'health'); // first request seeds the demo account
    await fetch(url, await presigned(url, { Action: 'GetCallerIdentity' }));
    const results = [
      await load('GET /health (baseline)', url + 'health', { method: 'GET', headers: {} }),
      await load('GetCallerIdentity', url, await presigned(url, { Action: 'GetCallerIdentity' })),
      await load(
        'AssumeRole',
        url,
        await presigned(url, {
          Action: 'AssumeRole',
          RoleArn: 'arn:aws:iam::123456789012:role/demo-readonly',
          RoleSessionName: 'bench',
        }),
      ),
    ];
    return results;
  } finally {
    await worker.stop();
    await rm(state, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const results = await benchHttp();
  const base = results[0]!.rps;
  console.log(`\nHTTP (${CONNECTIONS} connections, ${DURATION_S}s each, local workerd)`);
  for (const r of results) {
    console.log(
      `  ${r.name.padEnd(26)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  ` +
        `(${((r.rps / base) * 100).toFixed(0)}% of baseline)${r.errors ? `  non-2xx/errors: ${r.errors}` : ''}`,
    );
  }
}
