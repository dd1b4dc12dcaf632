// Decisions per second for the workloads in bench/workloads.ts: rolecall's compile once + decide,
// its one-shot simulate() (parse, validate, compile and decide every time), and iam-simulate as a
// baseline measured in the same run (bench/baseline.ts); warm-up, then the median of several
// one-second runs. Machines are noisy, so quote the ratios. Run: npx node bench/evaluator.ts
import { compile, simulate } from '../src/policy/index.ts';
import type { Decision, DecisionRequest, PolicySet } from '../src/policy/index.ts';
import { benchBaseline } from './baseline.ts';
import type { BaselineResult } from './baseline.ts';
import { workloads } from './workloads.ts';
import type { Workload } from './workloads.ts';

const RUNS = 7;
const RUN_MS = 1000;
const WARM_MS = 1500;

type Decide = (request: DecisionRequest) => Decision;

function runOnce(decide: Decide, reqs: DecisionRequest[], ms: number): number {
  let n = 0;
  let sink = 0;
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
  return (n * 1000) / (now - start);
}

function median(decide: Decide, reqs: DecisionRequest[]): number {
  runOnce(decide, reqs, WARM_MS);
  const rates: number[] = [];
  for (let i = 0; i < RUNS; i++) rates.push(runOnce(decide, reqs, RUN_MS));
  rates.sort((a, b) => a - b);
  return Math.round(rates[Math.floor(RUNS / 2)]);
}

interface RolecallResult {
  compiled: number;
  oneShot: number;
  decision: Decision['decision'];
}

export function bench(w: Workload): RolecallResult {
  const compiled = compile(w.policies);
  const policies: PolicySet = w.policies;
  return {
    decision: compiled.decide(w.requests[0]).decision,
    compiled: median((r) => compiled.decide(r), w.requests),
    oneShot: median((request) => simulate({ request, policies }), w.requests),
  };
}

const fmt = (n: number) => n.toLocaleString('en-US').padStart(11);
const ratio = (n: number, base: number) => `x ${(n / base).toFixed(1)}`.padStart(10);

// All rolecall runs first, then the baseline: its garbage must not land in rolecall's runs.
const ours = workloads.map(bench);
const theirs: BaselineResult[] = [];
for (const w of workloads) theirs.push(await benchBaseline(w));

console.log(
  'workload  engine                                decisions/s  vs runSimulation  vs runUnsafe  decision',
);
workloads.forEach((w, i) => {
  const r = ours[i];
  const b = theirs[i];
  const row = (engine: string, rate: number, decision: string, vs: boolean) =>
    console.log(
      `${w.name.padEnd(8)}  ${engine.padEnd(36)}  ${fmt(rate)}  ${(vs ? ratio(rate, b.checked) : '').padEnd(16)}  ${(vs ? ratio(rate, b.unchecked) : '').padEnd(11)}  ${decision}`,
    );
  row('rolecall compile once + decide', r.compiled, r.decision, true);
  row('rolecall simulate() one-shot', r.oneShot, r.decision, true);
  row('iam-simulate runSimulation', b.checked, b.decision, false);
  row('iam-simulate runUnsafeSimulation', b.unchecked, b.decision, false);
  if (r.decision !== b.decision) {
    console.log(`${w.name}: DECISIONS DIFFER (rolecall ${r.decision}, iam-simulate ${b.decision})`);
    process.exitCode = 1;
  }
});
