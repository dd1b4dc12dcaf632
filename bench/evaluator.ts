// Decisions per second for the workloads in bench/workloads.ts: compile once, then decide in a
// loop; warm-up, then the median of several one-second runs. Run: npx node bench/evaluator.ts
import { compile } from '../src/policy/index.ts';
import { workloads } from './workloads.ts';
import type { Workload } from './workloads.ts';

const RUNS = 7;
const RUN_MS = 1000;

function runOnce(w: Workload, ms: number): number {
  const compiled = compile(w.policies);
  const reqs = w.requests;
  let n = 0;
  let sink = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 1000; i++) {
      const d = compiled.decide(reqs[n % reqs.length]);
      sink += d.matchedStatements.length;
      n++;
    }
    now = performance.now();
  }
  if (sink < 0) console.log(sink);
  return (n * 1000) / (now - start);
}

export function bench(w: Workload): { name: string; decisionsPerSecond: number; decision: string } {
  const decision = compile(w.policies).decide(w.requests[0]).decision;
  runOnce(w, 1500);
  const rates: number[] = [];
  for (let i = 0; i < RUNS; i++) rates.push(runOnce(w, RUN_MS));
  rates.sort((a, b) => a - b);
  return { name: w.name, decisionsPerSecond: Math.round(rates[Math.floor(RUNS / 2)]), decision };
}

for (const w of workloads) {
  const r = bench(w);
  console.log(
    `${r.name.padEnd(6)} ${r.decisionsPerSecond.toLocaleString('en-US').padStart(12)} decisions/s  (${r.decision})`,
  );
}
