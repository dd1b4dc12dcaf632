import { charge, metered, WorkBudget } from './budget.ts';
import { ByteBoundedCache } from './byte-cache.ts';
import { checkRequest } from './input.ts';
import { EvalRequest } from './request.ts';
import { parsePrincipal, sessionRolePath } from './request-principal.ts';
import type { RequestPrincipal } from './request-principal.ts';
import {
  compilePolicy,
  ConditionRegistry,
  KeyRegistry,
  ProbeRegistry,
} from './compile-statement.ts';
import type { CompiledPolicy } from './compile-statement.ts';
import { principalKeys, lowerKeyMap, RequestContext } from './context.ts';
import { MSG, PolicyError } from './errors.ts';
import { policySize } from './json.ts';
import { evaluate, zero } from './evaluate.ts';
import type { CompiledPolicyGroups } from './evaluate.ts';
import type { Decision, DecisionRequest, PolicyInput, PolicySet } from './types.ts';
import { traceDecision } from './trace.ts';
import { normalizePolicy } from './validate.ts';
import type { GrammarKind } from './validate.ts';

export interface DecideOptions {
  /** Also return the evaluator's trace (src/policy/trace.ts); off by default, and then free. */
  trace?: boolean;
  /**
   * The request's matching budget (budget.ts). A caller making several decisions for one request
   * passes the same budget to each; by default every decision gets a fresh WORK_LIMIT.
   */
  budget?: WorkBudget;
}

/** Parsed principals a compiled set keeps, bounded in bytes (docs/security.md). */
const PRINCIPALS_BYTES = 64 * 1024;

/** A policy set validated and compiled once (compile()); `decide` then only matches. */
export interface CompiledPolicySet {
  decide(request: DecisionRequest, options?: DecideOptions): Decision;
}

/** Validates and pre-compiles a PolicySet once; `decide` then only matches. */
export function compile(policies: PolicySet): CompiledPolicySet {
  const set = compileSet(policies);
  const callers = new ByteBoundedCache<{
    caller: RequestPrincipal;
    derived: Map<string, string[]>;
  }>(PRINCIPALS_BYTES);
  return {
    decide(request, options) {
      checkRequest(request);
      let who = callers.peek(request.principal);
      if (who === undefined) {
        const caller = parsePrincipal(request.principal);
        who = { caller, derived: lowerKeyMap(principalKeys(caller)) };
        // The principal text a few times over (parsed fields, derived keys) and the maps.
        callers.set(request.principal, who, request.principal.length * 8 + 512);
      }
      const budget = options?.budget ?? new WorkBudget();
      const { caller, derived } = who;
      return metered(budget, () =>
        decideWith(set, caller, derived, request, options?.trace === true),
      );
    },
  };
}

function decideWith(
  set: CompiledPolicyGroups,
  caller: RequestPrincipal,
  derived: Map<string, string[]>,
  request: DecisionRequest,
  trace: boolean,
): Decision {
  // Every decision costs at least a visit of each statement and context key.
  charge(set.decisionCost);
  const ctx = new RequestContext(derived, request.context, set.keys.names.length);
  zero(set.probeMemo);
  const req = new EvalRequest({
    caller:
      caller.kind === 'session' ? sessionRolePath(caller, ctx.get('aws:principalarn')) : caller,
    ctx,
    action: request.action,
    resource: request.resource,
    resourceAccount: request.resourceAccount,
    probes: set.probes,
    keyNames: set.keys.names,
    memo: set.probeMemo,
  });
  set.conditionMemo.fill(0);
  req.conditionMemo = set.conditionMemo;
  req.lists = set.lists;
  const decision = evaluate(set, req);
  if (trace) decision.trace = traceDecision(set, req, decision);
  return decision;
}

function compileSet(p: PolicySet): CompiledPolicyGroups {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    throw new PolicyError('InvalidInput', 'policies must be an object');
  }
  const keys = new KeyRegistry();
  const probes = new ProbeRegistry();
  const conditions = new ConditionRegistry();
  const one = (
    doc: PolicyInput,
    kind: GrammarKind,
    label: string,
    limit: number,
  ): CompiledPolicy => {
    const normalized = normalizePolicy(doc, kind, label);
    checkSize(doc, limit, label);
    return compilePolicy(normalized, label, { keys, probes, conditions });
  };
  const list = (
    docs: PolicyInput[] | undefined,
    kind: GrammarKind,
    name: string,
    limit: number,
  ): CompiledPolicy[] => {
    if (docs === undefined) return [];
    if (!Array.isArray(docs))
      throw new PolicyError('InvalidInput', `policies.${name} must be an array`);
    return docs.map((d, i) => one(d, kind, `${name}[${i}]`, limit));
  };
  // Levels are always labelled scp[level][doc]; a level given as one document is scp[level][0].
  const levels = (name: 'scp' | 'rcp'): CompiledPolicy[][] => {
    const given = p[name] ?? [];
    if (!Array.isArray(given))
      throw new PolicyError('InvalidInput', `policies.${name} must be an array`);
    return given.map((level, i) =>
      list(Array.isArray(level) ? level : [level], name, `${name}[${i}]`, LIMITS[name]),
    );
  };
  const resource =
    p.resource === undefined
      ? null
      : one(p.resource, 'resourceOrTrust', 'resource', LIMITS.resource);
  const trustTooLarge =
    p.resource !== undefined && sizeOf(p.resource) > LIMITS.trust
      ? new PolicyError('LimitExceeded', MSG.quota('ACLSizePerRole', LIMITS.trust), 'resource')
      : null;
  const set: Omit<
    CompiledPolicyGroups,
    'probeMemo' | 'keyState' | 'conditionMemo' | 'lists' | 'decisionCost'
  > = {
    keys,
    probes: probes.probes,
    identity: list(p.identity, 'identity', 'identity', LIMITS.identity),
    resource,
    trustTooLarge,
    boundary:
      p.permissionsBoundary === undefined
        ? null
        : one(p.permissionsBoundary, 'boundary', 'permissionsBoundary', LIMITS.boundary),
    session:
      p.session === undefined || (Array.isArray(p.session) && p.session.length === 0)
        ? null
        : list(p.session, 'session', 'session', LIMITS.session),
    scp: levels('scp'),
    rcp: levels('rcp'),
  };
  let statements = 0;
  const groups = [set.identity, set.session ?? [], ...set.scp, ...set.rcp];
  for (const group of [...groups, [set.resource, set.boundary]]) {
    for (const policy of group) statements += policy?.statements.length ?? 0;
  }
  return {
    ...set,
    decisionCost: 1 + statements + keys.names.length + probes.probes.length,
    probeMemo: new Uint8Array(probes.probes.length),
    conditionMemo: new Uint8Array(conditions.count),
    lists: probes.lists,
    keyState: new Uint8Array(keys.names.length),
  };
}

/**
 * Largest documents IAM stores (IAM User Guide: IAM and AWS STS quotas, character limits;
 * AWS Organizations quotas for SCPs): inline policies 10,240 per role, managed policies (and so
 * permissions boundaries) 6,144, role trust policies 4,096 at most, session policies 2,048,
 * SCPs and RCPs 5,120, and 20 KB for a bucket policy, the largest common resource-based policy.
 */
const LIMITS = {
  identity: 10240,
  boundary: 6144,
  trust: 4096,
  session: 2048,
  scp: 5120,
  rcp: 5120,
  resource: 20480,
} as const;

function sizeOf(doc: PolicyInput): number {
  return policySize(typeof doc === 'string' ? doc : JSON.stringify(doc));
}

function checkSize(doc: PolicyInput, limit: number, label: string): void {
  if (sizeOf(doc) > limit) {
    throw new PolicyError('LimitExceeded', MSG.quota('PolicySize', limit), label);
  }
}
