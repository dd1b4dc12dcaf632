// Decisions per second for the workloads in test/bench/workloads.ts, each over DISTINCT different
// requests (test/bench/requests.ts: principals, actions, resources and context values vary, so no
// per-request cache answers from memory): rolecall's compile once + decide, its one-shot simulate()
// (parse, validate, compile and decide every time), and iam-simulate (test/bench/baseline.ts) as a
// baseline in the same run. Before any timing, every engine decides every request and all must
// agree (the benchmark stops on the first mismatch). Every engine is timed by the same loop
// (requests in turn, a promise awaited only when the engine returns one), after a discarded warm-up,
// as the median of RUNS runs. Machines are noisy: quote the ratios. `node test/bench/evaluator.ts`
import { compile, simulate } from '../../src/policy/index.ts';
import type { Decision, DecisionRequest, PolicySet } from '../../src/policy/index.ts';
import { checked, toSimulation, unchecked, type Engine } from './baseline.ts';
import { distinctRequests } from './requests.ts';
import { workloads, type Workload } from './workloads.ts';

const RUNS = 3;
/**
 * iam-simulate decides the heavy workloads at under ten per second: it answers (and is timed on)
 * the first BASELINE_CHECK requests, every one compared; BENCH_FULL=1 compares all DISTINCT.
 */
const BASELINE_CHECK = process.env.BENCH_FULL === '1' ? Infinity : 50;
const RUN_MS = Number(process.env.BENCH_EVAL_MS ?? 600);
const WARM_MS = 400;

interface Timed<T> {
  name: string;
  engine: Engine<T>;
  inputs: T[];
}

/** One timed run: decisions per wall-clock second, and per second of this process's CPU time. */
async function runOnce<T>(t: Timed<T>, ms: number): Promise<[number, number]> {
  const { engine, inputs } = t;
  let n = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    // The clock is read every 16 decisions, for every engine alike.
    for (let k = 0; k < 16; k++) {
      const d = engine(inputs[n % inputs.length]!);
      if (typeof d !== 'string') await d;
      n++;
    }
    now = performance.now();
  }
  const used = process.cpuUsage(cpu);
  return [(n * 1000) / (now - start), (n * 1000) / Math.max((used.user + used.system) / 1000, 1)];
}

/**
 * Medians of the wall-clock rate and of the rate per CPU second. On a machine shared with other
 * work the wall-clock rate counts time the process waited for a core; the CPU rate does not.
 */
async function median<T>(t: Timed<T>): Promise<[number, number]> {
  await runOnce(t, WARM_MS);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const [w, c] = await runOnce(t, RUN_MS);
    wall.push(w);
    cpu.push(c);
  }
  const mid = (xs: number[]) => Math.round(xs.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!);
  return [mid(wall), mid(cpu)];
}

interface Row {
  workload: string;
  engine: string;
  rate: number;
  /** Decisions per CPU second. */
  cpu: number;
}

/** Every engine's answer to every request; throws on the first disagreement. */
async function agree(
  w: Workload,
  requests: DecisionRequest[],
  engines: Array<Timed<unknown>>,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < requests.length; i++) {
    const answers: string[] = [];
    for (const e of engines) if (i < e.inputs.length) answers.push(await e.engine(e.inputs[i]!));
    if (answers.some((a) => a !== answers[0])) {
      throw new Error(
        `${w.name}: engines disagree on ${JSON.stringify(requests[i])}: ` +
          engines.map((e, k) => `${e.name} ${answers[k]}`).join(', '),
      );
    }
    counts[answers[0]!] = (counts[answers[0]!] ?? 0) + 1;
  }
  return counts;
}

async function benchWorkload(
  w: Workload,
): Promise<{ rows: Row[]; counts: Record<string, number> }> {
  const requests = distinctRequests(w);
  const compiled = compile(w.policies);
  const policies: PolicySet = w.policies;
  const sims = requests.slice(0, BASELINE_CHECK).map((r) => toSimulation(w, r));
  const engines: Array<Timed<unknown>> = [
    {
      name: 'rolecall compile once + decide',
      engine: (r) => compiled.decide(r as DecisionRequest).decision,
      inputs: requests,
    },
    {
      name: 'rolecall simulate() one-shot',
      engine: (r) => simulate({ request: r as DecisionRequest, policies }).decision,
      inputs: requests,
    },
    { name: 'iam-simulate runSimulation', engine: checked as Engine<unknown>, inputs: sims },
    {
      name: 'iam-simulate runUnsafeSimulation',
      engine: unchecked as Engine<unknown>,
      inputs: sims,
    },
  ];
  const counts = await agree(w, requests, engines);
  const rows: Row[] = [];
  for (const e of engines) {
    const [rate, cpu] = await median(e);
    rows.push({ workload: w.name, engine: e.name, rate, cpu });
  }
  return { rows, counts };
}

const COLUMNS: Array<[string, number]> = [
  ['workload', -16],
  ['engine', -32],
  ['decisions/s', 11],
  ['per CPU s', 10],
  ['vs runSimulation', 16],
  ['vs runUnsafe', 12],
];

/** One table line; a negative width pads on the right (text), a positive one on the left. */
function line(cells: string[]): string {
  return cells
    .map((c, i) => {
      const w = COLUMNS[i]![1];
      return w < 0 ? c.padEnd(-w) : c.padStart(w);
    })
    .join('  ')
    .trimEnd();
}

const rate = (n: number) => n.toLocaleString('en-US');
const ratio = (n: number, base: number) => `x ${(n / base).toFixed(1)}`;

const results = [];
for (const w of workloads) results.push({ w, ...(await benchWorkload(w)) });

console.log(
  `Evaluator: ${distinctRequests(workloads[0]!).length} distinct requests per workload (iam-simulate: the first ${BASELINE_CHECK === Infinity ? 'all' : BASELINE_CHECK}), every answer compared across engines before timing; median of ${RUNS} runs of ${RUN_MS} ms after ${WARM_MS} ms of warm-up`,
);
console.log(line(COLUMNS.map(([title]) => title)));
for (const { w, rows, counts } of results) {
  const base = rows.find((r) => r.engine.endsWith('runSimulation'))!.rate;
  const unsafe = rows.find((r) => r.engine.endsWith('runUnsafeSimulation'))!.rate;
  for (const r of rows) {
    const ours = r.engine.startsWith('rolecall');
    console.log(
      line([
        r.workload,
        r.engine,
        rate(r.rate),
        rate(r.cpu),
        ours ? ratio(r.rate, base) : '',
        ours ? ratio(r.rate, unsafe) : '',
      ]),
    );
  }
  const mix = Object.entries(counts)
    .map(([d, n]) => `${n} ${d}`)
    .join(', ');
  console.log(`${w.name.padEnd(16)}  decisions (all engines agree): ${mix}`);
}
