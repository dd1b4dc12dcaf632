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

/** A decision engine over prepared inputs: synchronous, or a promise the timing loop awaits. */
export type Engine<T> = (input: T) => Promise<Decision['decision']> | Decision['decision'];

/** `runSimulation`: the documented entry point; validates the input and finds the resource type. */
export const checked: Engine<Simulation> = async (sim) => {
  const r = await runSimulation(sim, {});
  if (r.resultType === 'error') throw new Error(`iam-simulate: ${JSON.stringify(r.errors)}`);
  return DECISIONS[r.overallResult];
};

/** `runUnsafeSimulation`: evaluation only, without validation or resource-type lookup. */
export const unchecked: Engine<Simulation> = (sim) => DECISIONS[runUnsafeSimulation(sim, {})];
