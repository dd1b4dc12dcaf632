// Evaluator CPU per hostile request: the bodies of test/policy/hostile-shapes.ts (each as large as
// POST /v1/simulate accepts, built to multiply matching work) through simulate(), against a
// same-run baseline: an ordinary body of the same size (many plain statements, one request).
// Each figure is the median CPU time (process.cpuUsage) of RUNS one-shot evaluations after a
// warm-up; the bound documented in docs/security.md is 50 ms. Run: npx node test/bench/hostile.ts
import { PolicyError, simulate, WORK_LIMIT } from '../../src/policy/index.ts';
import { BODY_LIMIT, hostileShapes, type HostileShape } from '../policy/hostile-shapes.ts';

const RUNS = 9;

function cpuMs(text: string): { ms: number; outcome: string } {
  const input = JSON.parse(text) as HostileShape['body'];
  const start = process.cpuUsage();
  let outcome: string;
  try {
    outcome = simulate(input).decision;
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    outcome = e.code;
  }
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, outcome };
}

function median(text: string): { ms: number; outcome: string } {
  cpuMs(text);
  const runs = Array.from({ length: RUNS }, () => cpuMs(text));
  runs.sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(RUNS / 2)]!;
}

/** An ordinary policy set as large as the body limit allows: plain statements, exact resources. */
function baseline(): string {
  const statements = [];
  for (let i = 0; JSON.stringify(statements).length < BODY_LIMIT - 12_000; i++) {
    statements.push({
      Sid: `S${i}`,
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: `arn:aws:s3:::bucket-${i}/*`,
    });
  }
  const identity = [];
  for (let i = 0; i < statements.length; i += 60) {
    identity.push({ Version: '2012-10-17', Statement: statements.slice(i, i + 60) });
  }
  return JSON.stringify({
    request: {
      principal: 'arn:aws:iam::111122223333:user/alice',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::bucket-7/key',
    },
    policies: { identity },
  });
}

const base = median(baseline());
console.log(`work budget per request: ${WORK_LIMIT.toLocaleString('en-US')} units`);
console.log(
  `${'body (≤ 128 KiB)'.padEnd(52)} ${'CPU ms'.padStart(7)}  ${'vs baseline'.padStart(11)}  outcome`,
);
console.log(
  `${'baseline: ordinary statements'.padEnd(52)} ${base.ms.toFixed(1).padStart(7)}  ${'x 1.0'.padStart(11)}  ${base.outcome}`,
);
let worst = 0;
for (const shape of hostileShapes()) {
  const r = median(JSON.stringify(shape.body));
  worst = Math.max(worst, r.ms);
  console.log(
    `${shape.name.padEnd(52)} ${r.ms.toFixed(1).padStart(7)}  ${`x ${(r.ms / base.ms).toFixed(1)}`.padStart(11)}  ${r.outcome}`,
  );
}
console.log(`worst hostile body: ${worst.toFixed(1)} ms of evaluator CPU (bound: 50 ms)`);
if (worst >= 50) process.exitCode = 1;
