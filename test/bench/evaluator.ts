// Decisions per second for the workloads in test/bench/workloads.ts: rolecall's compile once + decide,
// its one-shot simulate() (parse, validate, compile and decide every time), and iam-simulate as a
// baseline measured in the same run (test/bench/baseline.ts); warm-up, then the median of several
// one-second runs. Machines are noisy, so quote the ratios. Run: npx node test/bench/evaluator.ts
import { compile, simulate } from '../../src/policy/index.ts';
import type { Decision, DecisionRequest, PolicySet } from '../../src/policy/index.ts';
import { benchBaseline } from './baseline.ts';
import type { BaselineResult } from './baseline.ts';
import { workloads } from './workloads.ts';
import type { Workload } from './workloads.ts';

const RUNS = 7;
const RUN_MS = 1000;
const WARM_MS = 1500;

type Decide = (request: DecisionRequest) => Decision;

/** One timed run: decisions per wall-clock second, and per second of this process's CPU time. */
function runOnce(decide: Decide, reqs: DecisionRequest[], ms: number): [number, number] {
  let n = 0;
  let sink = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 100; i++) {
      const d = decide(reqs[n % reqs.length]);
      sink += d.matchedStatements.length;
      n++;
    }
    now = performance.now();
  }
  if (sink < 0) console.log(sink);
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  return [(n * 1000) / (now - start), (n * 1000) / Math.max(cpuMs, 1)];
}

/**
 * Medians of the wall-clock rate and of the rate per CPU second. On a machine shared with other
 * work the wall-clock rate counts time the process waited for a core; the CPU rate does not.
 */
function median(decide: Decide, reqs: DecisionRequest[]): [number, number] {
  runOnce(decide, reqs, WARM_MS);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const [w, c] = runOnce(decide, reqs, RUN_MS);
    wall.push(w);
    cpu.push(c);
  }
  const mid = (xs: number[]) => Math.round(xs.sort((a, b) => a - b)[Math.floor(RUNS / 2)]);
  return [mid(wall), mid(cpu)];
}

interface RolecallResult {
  compiled: number;
  compiledCpu: number;
  oneShot: number;
  decision: Decision['decision'];
}

export function bench(w: Workload): RolecallResult {
  const compiled = compile(w.policies);
  const policies: PolicySet = w.policies;
  const [fast, fastCpu] = median((r) => compiled.decide(r), w.requests);
  return {
    decision: compiled.decide(w.requests[0]).decision,
    compiled: fast,
    compiledCpu: fastCpu,
    oneShot: median((request) => simulate({ request, policies }), w.requests)[0],
  };
}

const COLUMNS: Array<[string, number]> = [
  ['workload', -8],
  ['engine', -32],
  ['decisions/s', 11],
  ['vs runSimulation', 16],
  ['vs runUnsafe', 12],
  ['decision', -12],
];

/** One table line; a negative width pads on the right (text), a positive one on the left. */
function line(cells: string[]): string {
  return cells
    .map((c, i) => {
      const w = COLUMNS[i][1];
      return w < 0 ? c.padEnd(-w) : c.padStart(w);
    })
    .join('  ')
    .trimEnd();
}

const rate = (n: number) => n.toLocaleString('en-US');
const ratio = (n: number, base: number) => `x ${(n / base).toFixed(1)}`;

// All rolecall runs first, then the baseline: its garbage must not land in rolecall's runs.
const ours = workloads.map(bench);
const theirs: BaselineResult[] = [];
for (const w of workloads) theirs.push(await benchBaseline(w));

console.log(line(COLUMNS.map(([title]) => title)));
workloads.forEach((w, i) => {
  const r = ours[i];
  const b = theirs[i];
  const vs = (n: number) => [ratio(n, b.checked), ratio(n, b.unchecked)];
  console.log(
    line([
      w.name,
      'rolecall compile once + decide',
      rate(r.compiled),
      ...vs(r.compiled),
      r.decision,
    ]),
  );
  console.log(
    line([w.name, 'rolecall simulate() one-shot', rate(r.oneShot), ...vs(r.oneShot), r.decision]),
  );
  console.log(line([w.name, 'iam-simulate runSimulation', rate(b.checked), '', '', b.decision]));
  console.log(
    line([w.name, 'iam-simulate runUnsafeSimulation', rate(b.unchecked), '', '', b.decision]),
  );
  console.log(
    `${w.name}: rolecall compile once + decide, per CPU second of this process: ${rate(r.compiledCpu)}`,
  );
  if (r.decision !== b.decision) {
    console.log(`${w.name}: DECISIONS DIFFER (rolecall ${r.decision}, iam-simulate ${b.decision})`);
    process.exitCode = 1;
  }
});
