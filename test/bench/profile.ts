/**
 * A V8 CPU profile of the `npm start` server under one HTTP benchmark workload, summed by
 * function (self time), to find where a call's server CPU goes:
 *
 *   node test/bench/profile.ts AssumeRole [seconds]
 *
 * The workload is the HTTP benchmark's (test/bench/http.ts) of that name; the profile is taken
 * through the Worker's DevTools inspector while the load runs. Prints the top functions by self
 * time and the share of samples in each bundled source module.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../src/local/serve.ts';
import { rolecallWorkloads, run } from './http.ts';

process.env.WRANGLER_LOG ??= 'error';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; scriptId: string };
  hitCount?: number;
  children?: number[];
}

const name = process.argv[2] ?? 'AssumeRole';
const seconds = Number(process.argv[3] ?? 5);
const PORT = 9339;

class Inspector {
  private next = 1;
  private readonly pending = new Map<number, (v: unknown) => void>();
  private readonly ws: WebSocket;
  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.addEventListener('message', (e) => {
      const msg = JSON.parse(String(e.data)) as { id?: number; result?: unknown };
      if (msg.id !== undefined) this.pending.get(msg.id)?.(msg.result);
    });
  }
  static async open(url: string): Promise<Inspector> {
    const ws = new WebSocket(url);
    await new Promise((ok, fail) => {
      ws.addEventListener('open', ok);
      ws.addEventListener('error', fail);
    });
    return new Inspector(ws);
  }
  send<T>(method: string, params: object = {}): Promise<T> {
    const id = this.next++;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((ok) => this.pending.set(id, ok as (v: unknown) => void));
  }
  close() {
    this.ws.close();
  }
}

const state = await mkdtemp(join(process.env.BENCH_STATE ?? tmpdir(), 'rolecall-profile-'));
// Limits off, as in the HTTP benchmark (one load generator is one client address).
const server = await startServer({
  port: 0,
  persist: state,
  inspectorPort: PORT,
  vars: { RATE_LIMITS: 'off' },
});
try {
  const workloads = await rolecallWorkloads(server);
  const w = workloads.find((x) => typeof x !== 'string' && x.name === name);
  if (w === undefined || typeof w === 'string') throw new Error(`no workload named ${name}`);
  const targets = (await (await fetch(`http://127.0.0.1:${PORT}/json`)).json()) as Array<{
    title: string;
    webSocketDebuggerUrl: string;
  }>;
  const target = targets.find((t) => t.title.includes('rolecall')) ?? targets[0];
  const inspector = await Inspector.open(target.webSocketDebuggerUrl);
  await inspector.send('Profiler.enable');
  await inspector.send('Profiler.setSamplingInterval', { interval: 50 });
  await run(server.url, w, 1); // warm-up
  await inspector.send('Profiler.start');
  const { r } = await run(server.url, w, seconds);
  const { profile } = await inspector.send<{ profile: { nodes: ProfileNode[] } }>('Profiler.stop');
  await inspector.send('Debugger.enable');
  const scriptId = profile.nodes.find((n) => n.callFrame.url.endsWith('index.js'))?.callFrame
    .scriptId;
  const source =
    scriptId === undefined
      ? ''
      : (await inspector.send<{ scriptSource: string }>('Debugger.getScriptSource', { scriptId }))
          .scriptSource;
  inspector.close();
  if (process.env.PROFILE_SOURCE) await writeFile(process.env.PROFILE_SOURCE, source);

  const self = new Map<string, number>();
  const byUrl = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    if (hits === 0) continue;
    total += hits;
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + hits);
    const file = f.url === '' ? f.functionName : f.url.split('/').pop()!;
    byUrl.set(file, (byUrl.get(file) ?? 0) + hits);
  }
  console.log(`${name}: ${r.requests.total} requests, ${total} samples`);
  const pct = (n: number) => ((100 * n) / total).toFixed(1).padStart(5) + '%';
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log(pct(v), k);
  // Inclusive time of the functions named in PROFILE_TOTAL (comma-separated), not counting recursion twice.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const inclusive = new Map<string, number>();
  const walk = (id: number, open: Set<string>): number => {
    const n = byId.get(id)!;
    let sum = n.hitCount ?? 0;
    const fn = n.callFrame.functionName;
    const fresh = !open.has(fn);
    if (fresh) open.add(fn);
    for (const c of n.children ?? []) sum += walk(c, open);
    if (fresh) {
      open.delete(fn);
      inclusive.set(fn, (inclusive.get(fn) ?? 0) + sum);
    }
    return sum;
  };
  walk(profile.nodes[0].id, new Set());
  for (const fn of (process.env.PROFILE_TOTAL ?? '').split(',').filter(Boolean))
    console.log('incl', pct(inclusive.get(fn) ?? 0), fn);
  console.log('by source:');
  for (const [k, v] of [...byUrl].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(pct(v), k);
} finally {
  await server.stop();
  await rm(state, { recursive: true, force: true });
}
