import { compileArnPattern } from './arn.ts';
import type { ArnMatcher, ArnValue } from './arn.ts';
import { compileCondition } from './conditions/compile.ts';
import type { CompiledCondition } from './conditions/compile.ts';
import type { RequestContext } from './context.ts';
import { compilePrincipal } from './principal-match.ts';
import type { PrincipalMatcher } from './principal-match.ts';
import type { NormalizedPolicy, NormalizedStatement } from './types.ts';
import { compileGlob } from './wildcard.ts';

/** The request's action, split and lower-cased once (actions are case-insensitive). */
export interface ActionValue {
  service: string;
  name: string;
}

export interface CompiledStatement {
  policy: string;
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** Services the statement's Action names; null when it may apply to any service. */
  services: string[] | null;
  /** Action/NotAction entries as probe ids; `actionAll` when one of them is `*`. */
  actionIds: number[];
  actionAll: boolean;
  notAction: boolean;
  /** The Resource/NotResource element as one number; see RESOURCE_ALWAYS. */
  resourceTest: number;
  principal: PrincipalMatcher | null;
  notPrincipal: boolean;
  /** In policy order (traces); shared with other statements that repeat them. */
  conditions: CompiledCondition[];
  /** The same conditions in evaluation order (see CompiledCondition.cost). */
  checks: CompiledCondition[];
  /** Condition keys the statement references, as ids in the set's KeyRegistry. */
  conditionKeyIds: number[];
  /** Bits for the ids below 31 of conditionKeyIds; the rest are in keyOverflow. */
  keyMask: number;
  keyOverflow: number[];
  /** The statement as written (normalized), for traces; decisions never read it. */
  source: NormalizedStatement;
}

/**
 * A statement's Resource test packed into a number, so a decision can skip statements without
 * reading them: RESOURCE_ALWAYS (no Resource element, as in trust policies, or `Resource: "*"`),
 * RESOURCE_NEVER (`NotResource: "*"`), else the id of the probe for its list times two, plus one
 * for NotResource.
 */
export const RESOURCE_ALWAYS = -1;
export const RESOURCE_NEVER = -2;

/** A test that depends only on the request; answered once per request and shared by statements. */
export type Probe = (req: ProbeRequest) => boolean;

export interface ProbeRequest {
  action: ActionValue;
  resource: ArnValue;
  ctx: RequestContext;
  /** The set's probes and this request's answers (0 not asked, 1 true, 2 false), for list probes. */
  probes: Probe[];
  memo: Uint8Array;
}

/** A probe's answer for this request, asked at most once per decision. */
export function probeAnswer(req: ProbeRequest, id: number): boolean {
  const memo = req.memo;
  let v = memo[id];
  if (v === 0) {
    v = req.probes[id](req) ? 1 : 2;
    memo[id] = v;
  }
  return v === 1;
}

/**
 * Distinct Action and Resource entries of a policy set. Real policy sets repeat the same entries
 * across statements and policies, so a decision evaluates each distinct entry once.
 */
export class ProbeRegistry {
  private readonly ids = new Map<string, number>();
  readonly probes: Probe[] = [];
  /**
   * For a probe that is a Resource list: the probes of its entries (any may match), so a decision
   * loops over them without calling the list's closure; null for other probes.
   */
  readonly lists: Array<Int32Array | null> = [];

  id(key: string, make: () => Probe, list: Int32Array | null = null): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.probes.length;
      this.ids.set(key, id);
      this.probes.push(make());
      this.lists.push(list);
    }
    return id;
  }
}

/** Condition keys of a whole policy set, numbered so a decision tracks them in an array. */
export class KeyRegistry {
  readonly ids = new Map<string, number>();
  /** [lower-cased, as first written] by id. */
  readonly names: Array<[string, string]> = [];

  id(key: string): number {
    const lower = key.toLowerCase();
    let id = this.ids.get(lower);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(lower, id);
      this.names.push([lower, key]);
    }
    return id;
  }
}

/**
 * Distinct conditions of a policy set (operator, key and values alike): statements repeating a
 * condition share one compiled condition and one answer per decision.
 */
export class ConditionRegistry {
  private readonly bySignature = new Map<string, CompiledCondition>();
  count = 0;

  get(operator: string, key: string, values: string[], vars: boolean, keyId: number) {
    const signature = `${operator}\u0000${key.toLowerCase()}\u0000${vars ? 1 : 0}\u0000${JSON.stringify(values)}`;
    let c = this.bySignature.get(signature);
    if (c === undefined) {
      c = compileCondition(operator, key, values, vars, keyId);
      c.slot = this.count++;
      this.bySignature.set(signature, c);
    }
    return c;
  }
}

export interface Registries {
  keys: KeyRegistry;
  probes: ProbeRegistry;
  conditions: ConditionRegistry;
}

export interface CompiledPolicy {
  label: string;
  statements: CompiledStatement[];
  byService: Map<string, CompiledStatement[]>;
  anyService: CompiledStatement[];
  hasResourceElement: boolean;
  lacksResourceElement: boolean;
  hasNotPrincipal: boolean;
  /**
   * Statements whose Action matches, by request action as given: matching an action depends on
   * nothing else, so repeated decisions skip straight to resources, principals and conditions.
   */
  byAction: Map<string, ActionMatches>;
}

export interface ActionMatches {
  statements: CompiledStatement[];
  /** Each statement's resourceTest, side by side for the loop that filters them. */
  resourceTests: Int32Array;
}

export function compilePolicy(
  doc: NormalizedPolicy,
  label: string,
  reg: Registries,
): CompiledPolicy {
  // Variables are replaced only under Version 2012-10-17 (IAM JSON policy elements: Version).
  const vars = doc.Version === '2012-10-17';
  const statements = doc.Statement.map((s, i) => compileStatement(s, i, label, vars, reg));
  const byService = new Map<string, CompiledStatement[]>();
  const anyService: CompiledStatement[] = [];
  for (const s of statements) {
    if (s.services === null) {
      anyService.push(s);
      continue;
    }
    for (const svc of s.services) {
      const list = byService.get(svc) ?? [];
      if (!list.includes(s)) list.push(s);
      byService.set(svc, list);
    }
  }
  return {
    label,
    statements,
    byService,
    anyService,
    hasResourceElement: doc.Statement.some((s) => s.Resource || s.NotResource),
    lacksResourceElement: doc.Statement.some((s) => !s.Resource && !s.NotResource),
    hasNotPrincipal: doc.Statement.some((s) => s.NotPrincipal !== undefined),
    byAction: new Map(),
  };
}

function compileStatement(
  s: NormalizedStatement,
  index: number,
  policy: string,
  vars: boolean,
  reg: Registries,
): CompiledStatement {
  const actions = s.Action ?? s.NotAction ?? [];
  const resources = s.Resource ?? s.NotResource;
  const conditions: CompiledCondition[] = [];
  const keyIds = new Set<number>();
  for (const [op, block] of Object.entries(s.Condition ?? {})) {
    for (const [key, values] of Object.entries(block)) {
      const id = reg.keys.id(key);
      conditions.push(reg.conditions.get(op, key, values, vars, id));
      keyIds.add(id);
    }
  }
  const out: CompiledStatement = {
    policy,
    index,
    effect: s.Effect,
    services:
      s.NotAction !== undefined || actions.includes('*')
        ? null
        : [...new Set(actions.map((a) => a.slice(0, a.indexOf(':')).toLowerCase()))],
    actionIds: actions.filter((a) => a !== '*').map((a) => actionProbe(a, reg.probes)),
    actionAll: actions.includes('*'),
    notAction: s.NotAction !== undefined,
    resourceTest: resourceTest(resources, s.NotResource !== undefined, vars, reg.probes),
    principal: null,
    notPrincipal: false,
    conditions,
    checks: [...conditions].sort((a, b) => a.cost - b.cost),
    conditionKeyIds: [...keyIds],
    keyMask: [...keyIds].filter((id) => id < 31).reduce((m, id) => m | (1 << id), 0),
    keyOverflow: [...keyIds].filter((id) => id >= 31),
    source: s,
  };
  if (s.Sid !== undefined) out.sid = s.Sid;
  if (s.Principal !== undefined) out.principal = compilePrincipal(s.Principal);
  else if (s.NotPrincipal !== undefined) {
    out.principal = compilePrincipal(s.NotPrincipal);
    out.notPrincipal = true;
  }
  return out;
}

/** Action and NotAction: case-insensitive, `*` and `?` in the action name (Action element). */
function actionProbe(action: string, probes: ProbeRegistry): number {
  const lower = action.toLowerCase();
  return probes.id(`a:${lower}`, () => {
    const colon = lower.indexOf(':');
    const vendor = lower.slice(0, colon);
    const name = compileGlob(lower.slice(colon + 1));
    return (req) => req.action.service === vendor && name(req.action.name);
  });
}

function resourceTest(
  resources: string[] | undefined,
  not: boolean,
  vars: boolean,
  probes: ProbeRegistry,
): number {
  if (resources === undefined) return RESOURCE_ALWAYS;
  if (resources.includes('*')) return not ? RESOURCE_NEVER : RESOURCE_ALWAYS;
  return resourceListProbe(resources, vars, probes) * 2 + (not ? 1 : 0);
}

/**
 * A Resource or NotResource list: ARNs matched per segment, variables resolved per request. One
 * probe for the whole list, since statements of one policy set often repeat the same list.
 */
function resourceListProbe(list: string[], vars: boolean, probes: ProbeRegistry): number {
  // Each entry is a probe of its own, so an ARN repeated across lists is matched once per decision.
  const ids = list.map((r) =>
    probes.id(`p:${vars ? 'v' : 'l'}:${r}`, () => {
      const m: ArnMatcher = compileArnPattern(r, vars, true);
      return (req) => m(req.resource, req.ctx);
    }),
  );
  if (ids.length === 1) return ids[0];
  return probes.id(
    `r:${vars ? 'v' : 'l'}:${JSON.stringify(list)}`,
    () => (req) => {
      for (const id of ids) if (probeAnswer(req, id)) return true;
      return false;
    },
    Int32Array.from(ids),
  );
}
