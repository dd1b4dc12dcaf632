// The same workloads through @cloud-copilot/iam-simulate, the best existing JS IAM simulator, so
// `npm run bench` can quote rolecall as a ratio against a baseline measured in the same run.
// iam-simulate is AGPL: a devDependency used here only, never imported from src/.
import { runSimulation, runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import type { Simulation } from '@cloud-copilot/iam-simulate';
import type {
  ContextValue,
  Decision,
  DecisionRequest,
  PolicyInput,
} from '../../src/policy/index.ts';
import type { Workload } from './workloads.ts';

/** Fewer runs than test/bench/evaluator.ts, and fewer still when a decision takes milliseconds. */
const RUNS = 5;
const SLOW_RUNS = 3;
const SLOW_RATE = 1000;
const RUN_MS = 1000;
const WARM_MS = 1000;

const DECISIONS = {
  Allowed: 'allowed',
  ExplicitlyDenied: 'explicitDeny',
  ImplicitlyDenied: 'implicitDeny',
} as const;

const doc = (p: PolicyInput): unknown => (typeof p === 'string' ? JSON.parse(p) : p);

/** The principal's account: field 5 of an IAM/STS ARN, or the principal itself if an account id. */
function accountOf(principal: string): string {
  if (/^\d{12}$/.test(principal)) return principal;
  const account = principal.split(':')[4];
  if (account === undefined || !/^\d{12}$/.test(account)) {
    throw new Error(`baseline: cannot tell the account of ${principal}`);
  }
  return account;
}

function contextVariables(
  ctx: Record<string, ContextValue> | undefined,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(ctx ?? {}))
    out[k] = Array.isArray(v) ? v.map(String) : String(v);
  return out;
}

/** A workload's policy set and one request as iam-simulate's `runSimulation` input. */
export function toSimulation(w: Workload, req: DecisionRequest): Simulation {
  const { identity, resource, permissionsBoundary, session, scp } = w.policies;
  if ((session !== undefined && session.length > 1) || (scp !== undefined && scp.length > 0)) {
    throw new Error(`baseline: workload ${w.name} uses policies iam-simulate input lacks here`);
  }
  const sim: Simulation = {
    request: {
      principal: req.principal,
      action: req.action,
      resource: {
        resource: req.resource,
        accountId: req.resourceAccount ?? accountOf(req.principal),
      },
      contextVariables: contextVariables(req.context),
    },
    identityPolicies: (identity ?? []).map((p, i) => ({ name: `identity[${i}]`, policy: doc(p) })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
  if (resource !== undefined) sim.resourcePolicy = doc(resource);
  if (permissionsBoundary !== undefined) {
    sim.permissionBoundaryPolicies = [
      { name: 'permissionsBoundary', policy: doc(permissionsBoundary) },
    ];
  }
  if (session !== undefined && session.length === 1) sim.sessionPolicy = doc(session[0]);
  return sim;
}

type Engine = (sim: Simulation) => Promise<Decision['decision']> | Decision['decision'];

/** `runSimulation`: the documented entry point; validates the input and finds the resource type. */
const checked: Engine = async (sim) => {
  const r = await runSimulation(sim, {});
  if (r.resultType === 'error') throw new Error(`iam-simulate: ${r.errors.message}`);
  return DECISIONS[r.overallResult];
};

/** `runUnsafeSimulation`: evaluation only, without validation or resource-type lookup. */
const unchecked: Engine = (sim) => DECISIONS[runUnsafeSimulation(sim, {})];

async function runOnce(engine: Engine, sims: Simulation[], ms: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    await engine(sims[n % sims.length]);
    n++;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

async function median(engine: Engine, sims: Simulation[]): Promise<number> {
  const runs = (await runOnce(engine, sims, WARM_MS)) < SLOW_RATE ? SLOW_RUNS : RUNS;
  const rates: number[] = [];
  for (let i = 0; i < runs; i++) rates.push(await runOnce(engine, sims, RUN_MS));
  rates.sort((a, b) => a - b);
  return Math.round(rates[Math.floor(runs / 2)]);
}

export interface BaselineResult {
  /** `runSimulation` decisions/s: the figure rolecall is compared with. */
  checked: number;
  /** `runUnsafeSimulation` decisions/s, for scale. */
  unchecked: number;
  /** The decision both entry points reached on the workload's first request. */
  decision: Decision['decision'];
}

/** iam-simulate's decisions/s on a workload, both entry points: warm-up, then a median. */
export async function benchBaseline(w: Workload): Promise<BaselineResult> {
  const sims = w.requests.map((r) => toSimulation(w, r));
  const decision = await checked(sims[0]);
  const other = await unchecked(sims[0]);
  if (other !== decision) {
    throw new Error(`iam-simulate disagrees with itself on ${w.name}: ${decision} vs ${other}`);
  }
  return {
    checked: await median(checked, sims),
    unchecked: await median(unchecked, sims),
    decision,
  };
}
