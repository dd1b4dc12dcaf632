import { RESOURCE_ALWAYS, RESOURCE_NEVER } from './compile-statement.ts';
import type { CompiledPolicy, CompiledStatement } from './compile-statement.ts';
import { ConditionFault } from './conditions/compile.ts';
import { rcpsApply, scpsApply } from './evaluate.ts';
import type { CompiledPolicyGroups } from './evaluate.ts';
import type { MatchKind } from './principal-match.ts';
import type { EvalRequest } from './request.ts';
import type { Decision, NormalizedPrincipal } from './types.ts';

/**
 * The evaluator's account of one decision, for people: every policy it read, in AWS's evaluation
 * order, every statement of each, and why each applied or not. Plain JSON (strings, numbers,
 * booleans, arrays, objects), so it crosses HTTP and postMessage unchanged; the AuthZEN API returns
 * it in `context.trace` and the demo page draws it. Requested per decision
 * (`decide(request, { trace: true })`); a decision without it does none of this work.
 */
export interface DecisionTrace {
  /** The same verdict and sentence as the Decision. */
  decision: Decision['decision'];
  reason: string;
  request: {
    principal: string;
    /** How the evaluator read the principal: user, role, session, root, service, ... */
    principalKind: string;
    principalAccount?: string;
    action: string;
    resource: string;
    /** The account that owns the resource (given, or from its ARN); absent when unknown. */
    resourceAccount?: string;
    /** Same account, cross-account, or a role trust policy check. */
    evaluation: 'sameAccount' | 'crossAccount' | 'trustPolicy' | 'noAccount';
  };
  /**
   * Policies in AWS's order ("Policy evaluation logic"): RCP levels, SCP levels, the resource-based (or
   * trust) policy, identity-based policies, the permissions boundary, session policies. An
   * explicit Deny in any of them decides, whatever its place.
   */
  policies: PolicyTrace[];
}

export interface PolicyTrace {
  kind: 'rcp' | 'scp' | 'resource' | 'identity' | 'permissionsBoundary' | 'session';
  /** The evaluator's label: `rcp[0][0]`, `scp[0][1]`, `resource`, `identity[2]`, `permissionsBoundary`, `session[0]`. */
  label: string;
  /** For RCPs and SCPs: the level (root, OUs, account) the document is attached at, from 0. */
  level?: number;
  /** `deny`: a Deny statement applied; `allow`: an Allow applied and no Deny; `none`: nothing applied. */
  outcome: 'allow' | 'deny' | 'none';
  statements: StatementTrace[];
}

export interface StatementTrace {
  /** Position in the policy's Statement array, from 0. */
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** True when action, resource, principal and every condition matched. */
  applies: boolean;
  /** The first part that did not match (in that order), `error` for an unreadable condition value. */
  notApplied?: 'action' | 'resource' | 'principal' | 'condition' | 'error';
  action: { element: 'Action' | 'NotAction'; values: string[]; matched: boolean };
  /** Absent in role trust policies, which have no Resource element. */
  resource?: { element: 'Resource' | 'NotResource'; values: string[]; matched: boolean };
  /** Resource-based, trust policies only. `as` tells how a Principal entry named the caller. */
  principal?: {
    element: 'Principal' | 'NotPrincipal';
    value: NormalizedPrincipal;
    matched: boolean;
    as?: MatchKind;
  };
  /** Every operator/key pair of the Condition block (all must hold), with the values compared. */
  conditions: ConditionTrace[];
}

export interface ConditionTrace {
  operator: string;
  key: string;
  /** The values written in the policy (policy variables as written). */
  policyValues: string[];
  /** The request's values for the key; null when the request context lacks it. */
  requestValues: string[] | null;
  /** Whether the condition holds; `error` when a policy value cannot be read by the operator. */
  result: boolean | 'error';
  message?: string;
}

/** Builds the trace of a decision just made on `req` (the request's probe answers are reused). */
export function traceDecision(
  set: CompiledPolicyGroups,
  req: EvalRequest,
  d: Decision,
): DecisionTrace {
  const hasBoundary = set.boundary !== null;
  const policies: PolicyTrace[] = [];
  const add = (p: CompiledPolicy, kind: PolicyTrace['kind'], level?: number) => {
    const statements = p.statements.map((s) => traceStatement(s, req, hasBoundary));
    const applied = statements.filter((s) => s.applies);
    const t: PolicyTrace = {
      kind,
      label: p.label,
      outcome: applied.some((s) => s.effect === 'Deny')
        ? 'deny'
        : applied.length > 0
          ? 'allow'
          : 'none',
      statements,
    };
    if (level !== undefined) t.level = level;
    policies.push(t);
  };
  // RCPs apply only to the resources of the services they support, SCPs only to principals of
  // member accounts, service-linked roles aside for both (see evaluate.ts);
  // otherwise they are listed as not applying at all, which the decision's reason explains.
  if (rcpsApply(req)) {
    set.rcp.forEach((level, i) => {
      for (const p of level) add(p, 'rcp', i);
    });
  }
  if (scpsApply(req.caller)) {
    set.scp.forEach((level, i) => {
      for (const p of level) add(p, 'scp', i);
    });
  }
  if (set.resource !== null) add(set.resource, 'resource');
  for (const p of set.identity) add(p, 'identity');
  if (set.boundary !== null) add(set.boundary, 'permissionsBoundary');
  for (const p of set.session ?? []) add(p, 'session');

  const resourceAccount = req.resourceAccount;
  const request: DecisionTrace['request'] = {
    principal: req.caller.text,
    principalKind: req.caller.kind,
    action: req.rawAction,
    resource: req.rawResource,
    evaluation:
      req.caller.account === undefined
        ? 'noAccount'
        : req.trust
          ? 'trustPolicy'
          : (resourceAccount ?? req.caller.account) === req.caller.account
            ? 'sameAccount'
            : 'crossAccount',
  };
  if (req.caller.account !== undefined) request.principalAccount = req.caller.account;
  if (resourceAccount !== undefined) request.resourceAccount = resourceAccount;
  return { decision: d.decision, reason: d.reason, request, policies };
}

function probe(req: EvalRequest, id: number): boolean {
  let v = req.memo[id];
  if (v === 0) {
    v = req.probes[id](req) ? 1 : 2;
    req.memo[id] = v;
  }
  return v === 1;
}

function traceStatement(
  s: CompiledStatement,
  req: EvalRequest,
  hasBoundary: boolean,
): StatementTrace {
  const src = s.source;
  let actionMatched = s.actionAll;
  if (!actionMatched) for (const id of s.actionIds) if (probe(req, id)) actionMatched = true;
  if (s.notAction) actionMatched = !actionMatched;
  const out: StatementTrace = {
    index: s.index,
    effect: s.effect,
    applies: false,
    action: {
      element: s.notAction ? 'NotAction' : 'Action',
      values: (s.notAction ? src.NotAction : src.Action) ?? [],
      matched: actionMatched,
    },
    conditions: [],
  };
  if (s.sid !== undefined) out.sid = s.sid;

  let resourceMatched = true;
  const resources = src.NotResource ?? src.Resource;
  if (resources !== undefined) {
    const test = s.resourceTest;
    resourceMatched =
      test === RESOURCE_ALWAYS
        ? true
        : test === RESOURCE_NEVER
          ? false
          : probe(req, test >> 1) !== ((test & 1) === 1);
    out.resource = {
      element: src.NotResource !== undefined ? 'NotResource' : 'Resource',
      values: resources,
      matched: resourceMatched,
    };
  }

  let principalMatched = true;
  if (s.principal !== null) {
    const value = (s.notPrincipal ? src.NotPrincipal : src.Principal)!;
    if (s.notPrincipal) {
      principalMatched = !s.principal.exempt(req.caller, hasBoundary);
      out.principal = { element: 'NotPrincipal', value, matched: principalMatched };
    } else {
      const kind = s.principal.match(req.caller);
      principalMatched = kind !== null;
      out.principal = { element: 'Principal', value, matched: principalMatched };
      if (kind !== null) out.principal.as = kind;
    }
  }

  let conditionsHold = true;
  let faulted = false;
  for (const c of s.conditions) {
    // Conditions are shared between statements repeating them: show this statement's spelling.
    const block = src.Condition?.[c.operator] ?? {};
    const key = Object.keys(block).find((k) => k.toLowerCase() === c.lower) ?? c.key;
    const t: ConditionTrace = {
      operator: c.operator,
      key,
      policyValues: block[key] ?? [],
      requestValues: req.ctx.get(c.lower) ?? null,
      result: false,
    };
    try {
      t.result = c.test(req.ctx);
    } catch (e) {
      if (!(e instanceof ConditionFault)) throw e;
      t.result = 'error';
      t.message = e.message;
      faulted = true;
    }
    if (t.result !== true) conditionsHold = false;
    out.conditions.push(t);
  }

  out.applies = actionMatched && resourceMatched && principalMatched && conditionsHold && !faulted;
  if (!out.applies) {
    out.notApplied = !actionMatched
      ? 'action'
      : !resourceMatched
        ? 'resource'
        : !principalMatched
          ? 'principal'
          : faulted
            ? 'error'
            : 'condition';
  }
  return out;
}
