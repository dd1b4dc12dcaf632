import { RESOURCE_ALWAYS, RESOURCE_NEVER } from './compile-statement.ts';
import type { CompiledPolicy, CompiledStatement, KeyRegistry, Probe } from './compile-statement.ts';
import { ConditionFault } from './conditions/compile.ts';
import type { RequestContext } from './context.ts';
import type { EvalRequest } from './request.ts';
import { MSG, PolicyError } from './errors.ts';
import type { MatchKind } from './principal-match.ts';
import type { RequestPrincipal } from './request-principal.ts';
import type { Decision, MatchedStatement, StatementError } from './types.ts';

export interface CompiledPolicyGroups {
  keys: KeyRegistry;
  probes: Probe[];
  identity: CompiledPolicy[];
  resource: CompiledPolicy | null;
  /** Set when policies.resource is too large to be a role trust policy. */
  trustTooLarge: PolicyError | null;
  boundary: CompiledPolicy | null;
  /** Null when no session policy was passed. */
  session: CompiledPolicy[] | null;
  /** SCP levels; every level must allow. */
  scp: CompiledPolicy[][];
  /** RCP levels of the resource's organization; only their Deny statements count. */
  rcp: CompiledPolicy[][];
  /**
   * Per-decision scratch (probe answers; condition keys from id 31 up), zeroed as each decision
   * starts. decide() runs to completion without yielding, so one buffer per compiled set serves
   * every decision and none allocates its own.
   */
  probeMemo: Uint8Array;
  keyState: Uint8Array;
  /** Per-decision answers of the set's distinct conditions, zeroed as each decision starts. */
  conditionMemo: Uint8Array;
  /** ProbeRegistry.lists. */
  lists: Array<Int32Array | null>;
  /** Work units every decision spends before matching (statements, keys, probes). */
  decisionCost: number;
}

const NO_KINDS: ReadonlySet<MatchKind> = new Set();
const NO_LEVELS: CompiledPolicy[][] = [];
const ALLOW = 1;
const DENY = 2;

class Accumulator {
  matched: MatchedStatement[] = [];
  /** Condition keys (ids below 31) referenced by evaluated statements. */
  keyMask = 0;
  /** Per condition key id from 31 up: 0 not looked at, 1 present, 2 missing. */
  keyState: Uint8Array;
  errors: StatementError[] = [];
  /** How the resource-based policy's applicable Allow statements named the caller. */
  kinds: Set<MatchKind> | null = null;

  constructor(keyState: Uint8Array) {
    zero(keyState);
    this.keyState = keyState;
  }
}

/** Clears a scratch buffer; a plain loop, since these are short and fill() is a runtime call. */
export function zero(a: Uint8Array): void {
  for (let i = 0; i < a.length; i++) a[i] = 0;
}

/**
 * AWS's evaluation order (IAM User Guide: Policy evaluation logic; Cross-account policy
 * evaluation logic): an explicit Deny anywhere wins; every SCP level must allow; then the
 * resource-based policy, identity-based policies, permissions boundary and session policies
 * combine as described for same-account and cross-account requests.
 */
export function evaluate(set: CompiledPolicyGroups, req: EvalRequest): Decision {
  const acc = new Accumulator(set.keyState);
  const { caller } = req;
  const hasBoundary = set.boundary !== null;

  const trust = req.trust;
  if (set.resource !== null) {
    if (trust && set.trustTooLarge !== null) throw set.trustTooLarge;
    // "You cannot use the NotPrincipal element in ... an IAM role trust policy" (NotPrincipal).
    if (trust && set.resource.hasNotPrincipal) {
      throw new PolicyError('MalformedPolicyDocument', MSG.prohibited('NotPrincipal'), 'resource');
    }
    if (trust && set.resource.hasResourceElement) {
      throw new PolicyError('MalformedPolicyDocument', MSG.prohibited('Resource'), 'resource');
    }
    if (!trust && set.resource.lacksResourceElement) {
      throw new PolicyError('MalformedPolicyDocument', MSG.resourcesMissing, 'resource');
    }
  }

  let denied = false;
  const identity = runAll(set.identity, req, acc, hasBoundary);
  denied ||= (identity & DENY) !== 0;
  const resource = set.resource === null ? 0 : run(set.resource, req, acc, hasBoundary);
  denied ||= (resource & DENY) !== 0;
  const boundary = set.boundary === null ? ALLOW : run(set.boundary, req, acc, hasBoundary);
  denied ||= (boundary & DENY) !== 0;
  let session = ALLOW;
  if (set.session !== null) {
    session = runAll(set.session, req, acc, hasBoundary);
    denied ||= (session & DENY) !== 0;
  }
  let scpOk = true;
  const scpLevels = set.scp.length > 0 && scpsApply(caller) ? set.scp : NO_LEVELS;
  for (const level of scpLevels) {
    const r = runAll(level, req, acc, hasBoundary);
    denied ||= (r & DENY) !== 0;
    if ((r & ALLOW) === 0) scpOk = false;
  }
  if (set.rcp.length > 0 && rcpDenies(set.rcp, req, acc, hasBoundary)) denied = true;
  const v = verdict(set, req, {
    kinds: acc.kinds ?? NO_KINDS,
    denied,
    scpOk,
    identity,
    boundary,
    session,
  });
  return {
    decision: v.decision,
    matchedStatements: acc.matched,
    missingContextKeys: missingContextKeys(acc, set.keys, req.ctx),
    reason: v.reason,
    errors: acc.errors,
  };
}

/**
 * Whether an RCP denies. RCPFullAWSAccess is attached at every level and cannot be detached, so
 * every RCP level allows: only a Deny decides (AWS Organizations User Guide: RCP syntax). Their
 * `Principal: "*"` grants nothing: the resource-based policy's grants stay as they were.
 */
function rcpDenies(
  levels: CompiledPolicy[][],
  req: EvalRequest,
  acc: Accumulator,
  hasBoundary: boolean,
): boolean {
  if (!rcpsApply(req)) return false;
  const kinds = acc.kinds;
  acc.kinds = null;
  let denied = false;
  for (const level of levels)
    if ((runAll(level, req, acc, hasBoundary) & DENY) !== 0) denied = true;
  acc.kinds = kinds;
  return denied;
}

/**
 * SCPs limit only principals of member accounts: a service principal or an anonymous caller has
 * no account, so neither their Allow nor their Deny statements apply (AWS Organizations User
 * Guide: SCPs "affect only IAM users and roles that are managed by accounts that are part of the
 * organization"). Nor do they affect service-linked roles ("SCPs don't affect service-linked
 * roles"), whose path is /aws-service-role/ (IAM User Guide: Using service-linked roles).
 */
export function scpsApply(caller: RequestPrincipal): boolean {
  return caller.account !== undefined && caller.path?.startsWith('/aws-service-role/') !== true;
}

/**
 * The services whose resources RCPs govern (AWS Organizations User Guide: Resource control
 * policies, "List of AWS services that support RCPs"); other services' resources are untouched.
 */
export const RCP_SERVICES: ReadonlySet<string> = new Set([
  's3',
  'sts',
  'kms',
  'sqs',
  'secretsmanager',
  'cognito-idp',
  'dynamodb',
  'ecr',
  'logs',
  'aoss',
]);

/**
 * RCPs limit access to a supported service's resources by any principal, inside or outside the
 * organization, AWS services included. As SCPs, they do not affect service-linked roles, nor "AWS
 * services' ability to assume a service-linked role" (AWS Organizations User Guide: Resource
 * control policies); such roles have the path /aws-service-role/.
 */
export function rcpsApply(req: EvalRequest): boolean {
  const { service, name } = req.action;
  if (!RCP_SERVICES.has(service)) return false;
  if (req.caller.path?.startsWith('/aws-service-role/') === true) return false;
  return !(service === 'sts' && name === 'assumerole' && SERVICE_LINKED_ROLE.test(req.rawResource));
}

const SERVICE_LINKED_ROLE = /^arn:[^:]*:iam::\d{12}:role\/aws-service-role\//;

/** What each policy type answered for one request (ALLOW/DENY bits per type). */
interface PolicyTypeAnswers {
  /** How the resource-based policy's applicable Allow statements named the caller. */
  kinds: ReadonlySet<MatchKind>;
  denied: boolean;
  /** Every SCP level allowed. */
  scpOk: boolean;
  identity: number;
  boundary: number;
  session: number;
}

interface Verdict {
  decision: Decision['decision'];
  reason: string;
}

const allow = (reason: string): Verdict => ({ decision: 'allowed', reason });
const deny = (reason: string): Verdict => ({ decision: 'implicitDeny', reason });

/** How the policy types' answers combine, given what each allowed or denied. */
function verdict(set: CompiledPolicyGroups, req: EvalRequest, answers: PolicyTypeAnswers): Verdict {
  const { kinds, denied, scpOk, identity, boundary, session } = answers;
  const { caller, trust } = req;
  // "No permissions are required to perform this operation ... you can still perform this
  // operation" even under an explicit Deny (Requesting temporary security credentials, footnote
  // on GetCallerIdentity).
  if (isGetCallerIdentity(req.rawAction) && caller.account !== undefined) {
    return allow('GetCallerIdentity needs no permissions and cannot be denied.');
  }
  if (denied) {
    return {
      decision: 'explicitDeny',
      reason: 'An applicable statement explicitly denies the request.',
    };
  }
  if (!scpOk) {
    return deny('A service control policy level does not allow the request.');
  }
  const restricted = credentialRestriction(req);
  if (restricted !== null) return deny(restricted);
  const boundaryOk = (boundary & ALLOW) !== 0 || caller.kind === 'root';
  // A federated user session (GetFederationToken) without session policies has no permissions
  // (IAM User Guide: Policy evaluation logic > Session policies).
  const sessionOk =
    set.session === null
      ? caller.kind !== 'federatedUser'
      : (session & ALLOW) !== 0 || caller.kind === 'root';
  const hasIdentitySide = caller.account !== undefined;
  const identityOk =
    caller.kind === 'root' ||
    (hasIdentitySide && (identity & ALLOW) !== 0 && boundaryOk && sessionOk);

  const resourceAccount = req.resourceAccount ?? caller.account;
  const sameAccount = hasIdentitySide && resourceAccount === caller.account;
  const anyGrant = kinds.size > 0;
  const standalone =
    anyGrant &&
    (kinds.has('user') ||
      kinds.has('session') ||
      kinds.has('wildcard') ||
      kinds.has('service') ||
      kinds.has('federated') ||
      kinds.has('canonical'));
  const byRole = anyGrant && kinds.has('role');

  if (!hasIdentitySide) {
    return anyGrant
      ? allow('The resource-based policy allows this principal.')
      : deny('No resource-based policy statement allows this principal.');
  }

  if (trust) {
    // Role trust policies must allow explicitly; one naming only the caller's account needs the
    // caller's identity-based policies too; a user named in it is still limited by a boundary
    // (IAM User Guide: Policy evaluation logic; How to use trust policies with IAM roles).
    // "You cannot assume a role when you are signed in as the AWS account root user" (IAM User
    // Guide: Switching to an IAM role (AWS API)), whatever the trust policy says.
    if (caller.kind === 'root') return deny('The AWS account root user cannot assume a role.');
    if (!anyGrant) return deny('The role trust policy does not allow this principal.');
    if (!sameAccount) {
      return identityOk
        ? allow('The trust policy and the caller’s identity-based policies both allow the request.')
        : deny('Cross-account: the caller’s identity-based policies do not allow the request.');
    }
    if (standalone && boundaryOk) return allow('The role trust policy names this principal.');
    if (byRole && boundaryOk && sessionOk) return allow('The role trust policy names this role.');
    if (identityOk)
      return allow('The trust policy trusts the account and identity-based policies allow.');
    return deny(
      standalone || byRole
        ? 'The permissions boundary or session policy does not allow the request.'
        : 'The trust policy names only the account; no identity-based policy allows the request.',
    );
  }

  if (req.kmsKey) {
    // "Unless the key policy explicitly allows it, you cannot use IAM policies to allow access to
    // a KMS key" (AWS KMS Developer Guide: Key policies); a key policy naming the account enables
    // IAM policies, one naming the principal suffices as every resource-based grant does.
    if (!anyGrant) return deny('The KMS key policy does not allow this principal.');
    if (sameAccount) {
      if (caller.kind === 'root') return allow('The KMS key policy allows the account root.');
      if (standalone) return allow('The KMS key policy allows this principal.');
      if (byRole && boundaryOk && sessionOk) return allow('The KMS key policy allows this role.');
      if (kinds.has('account') && identityOk) {
        return allow('The KMS key policy enables IAM policies, and an IAM policy allows.');
      }
      return deny('Neither the KMS key policy nor the IAM policies it enables allow the request.');
    }
  }

  if (sameAccount) {
    // The account root user has full access within its account unless an SCP or Deny stops it.
    if (caller.kind === 'root')
      return allow('The account root user has full access in its account.');
    // A resource-based grant to a user or session ARN is not limited by identity policies,
    // boundaries or session policies; a grant to a role ARN is limited by the boundary and the
    // session policies (Policy evaluation logic > Processing the resource-based policy).
    if (standalone) return allow('The resource-based policy allows this principal.');
    if (byRole && boundaryOk && sessionOk)
      return allow('The resource-based policy allows this role.');
    if (identityOk) return allow('An identity-based policy allows the request.');
    if ((identity & ALLOW) === 0 && !byRole) return deny('No policy allows the request.');
    if (!boundaryOk) return deny('The permissions boundary does not allow the request.');
    return deny('No session policy allows the request.');
  }

  // Cross-account: both the caller's account and the resource's policy must allow
  // (IAM User Guide: Cross-account policy evaluation logic).
  if (!anyGrant) return deny('Cross-account: no resource-based policy allows this principal.');
  if (!identityOk)
    return deny('Cross-account: the caller’s identity-based policies do not allow the request.');
  return allow('Both the resource-based policy and the caller’s account allow the request.');
}

function isGetCallerIdentity(action: string): boolean {
  return action.length === 21 && action.toLowerCase() === 'sts:getcalleridentity';
}

/**
 * What temporary credentials cannot do whatever the policies allow (IAM User Guide: Requesting
 * temporary security credentials > Comparing the AWS STS API operations, "Restrictions on
 * resulting temporary credentials"): role sessions cannot call GetFederationToken or
 * GetSessionToken; federated user sessions cannot call IAM operations, nor AWS STS operations
 * except GetCallerIdentity.
 */
function credentialRestriction(req: EvalRequest): string | null {
  const kind = req.caller.kind;
  if (kind !== 'session' && kind !== 'federatedUser') return null;
  const { service, name } = req.action;
  if (kind === 'session') {
    return service === 'sts' && (name === 'getfederationtoken' || name === 'getsessiontoken')
      ? 'A role session cannot call GetFederationToken or GetSessionToken.'
      : null;
  }
  if (service === 'iam') return 'A federated user session cannot call IAM operations.';
  if (service === 'sts') {
    return 'A federated user session cannot call AWS STS operations except GetCallerIdentity.';
  }
  return null;
}

function missingContextKeys(acc: Accumulator, keys: KeyRegistry, ctx: RequestContext): string[] {
  const names = keys.names;
  const out: string[] = [];
  for (let id = 0; id < names.length; id++) {
    if (isMissing(acc, id, names[id][0], ctx)) out.push(names[id][1]);
  }
  const fromVariables = ctx.missing;
  if (fromVariables !== null) {
    for (const [lower, key] of fromVariables) {
      const id = keys.ids.get(lower);
      if (id === undefined || !isMissing(acc, id, lower, ctx)) out.push(key);
    }
  }
  return out;
}

/** Whether an evaluated statement referenced condition key `id` and the context lacks it. */
function isMissing(acc: Accumulator, id: number, lower: string, ctx: RequestContext): boolean {
  return id < 31
    ? (acc.keyMask & (1 << id)) !== 0 && ctx.byId(id, lower) === undefined
    : acc.keyState[id] === 2;
}

function runAll(
  policies: CompiledPolicy[],
  req: EvalRequest,
  acc: Accumulator,
  hasBoundary: boolean,
): number {
  let flags = 0;
  for (const p of policies) flags |= run(p, req, acc, hasBoundary);
  return flags;
}

function run(p: CompiledPolicy, req: EvalRequest, acc: Accumulator, hasBoundary: boolean): number {
  let matches = p.byAction.get(req.rawAction);
  if (matches === undefined) {
    const statements: CompiledStatement[] = [];
    const listed = p.byService.get(req.action.service);
    if (listed !== undefined) for (const s of listed) if (actionMatches(s, req)) statements.push(s);
    for (const s of p.anyService) if (actionMatches(s, req)) statements.push(s);
    matches = { statements, resourceTests: Int32Array.from(statements, (s) => s.resourceTest) };
    if (p.byAction.size >= 256) p.byAction.clear();
    p.byAction.set(req.rawAction, matches);
  }
  const { statements, resourceTests } = matches;
  let flags = 0;
  for (let i = 0; i < statements.length; i++) {
    const test = resourceTests[i];
    if (test === RESOURCE_NEVER) continue;
    // Skip when the list's answer equals the NotResource bit (NotResource inverts the list).
    if (test !== RESOURCE_ALWAYS && probe(req, test >> 1) === ((test & 1) === 1)) continue;
    flags |= apply(statements[i], req, acc, hasBoundary);
  }
  return flags;
}

function actionMatches(s: CompiledStatement, req: EvalRequest): boolean {
  if (s.actionAll) return !s.notAction;
  for (const id of s.actionIds) if (probe(req, id)) return !s.notAction;
  return s.notAction;
}

/** A probe's answer for this request, asked at most once per decision. */
function probe(req: EvalRequest, id: number): boolean {
  const memo = req.memo;
  let v = memo[id];
  if (v === 0) {
    const list = req.lists[id];
    v = (list !== null ? anyOf(req, list) : req.probes[id](req)) ? 1 : 2;
    memo[id] = v;
  }
  return v === 1;
}

/** A Resource list: one matching entry is enough (each entry's answer is shared by every list naming it). */
function anyOf(req: EvalRequest, list: Int32Array): boolean {
  for (let i = 0; i < list.length; i++) if (probe(req, list[i])) return true;
  return false;
}

function apply(
  s: CompiledStatement,
  req: EvalRequest,
  acc: Accumulator,
  hasBoundary: boolean,
): number {
  let kind: MatchKind | null = null;
  if (s.principal !== null) {
    if (s.notPrincipal) {
      if (s.principal.exempt(req.caller, hasBoundary)) return 0;
    } else {
      kind = s.principal.match(req.caller);
      if (kind === null) return 0;
    }
  }
  const ctx = req.ctx;
  acc.keyMask |= s.keyMask;
  const ids = s.keyOverflow;
  const state = acc.keyState;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (state[id] === 0) state[id] = ctx.byId(id, req.keyNames[id][0]) === undefined ? 2 : 1;
  }
  try {
    const checks = s.checks;
    const memo = req.conditionMemo;
    for (let i = 0; i < checks.length; i++) {
      const c = checks[i];
      let v = memo[c.slot];
      if (v === 0) {
        v = c.test(ctx) ? 1 : 2;
        memo[c.slot] = v;
      }
      if (v === 2) return 0;
    }
  } catch (e) {
    // Fail closed: a statement that cannot be evaluated never allows. AWS evaluates a condition
    // whose value it cannot read as not matching, so such a Deny does not apply either; the
    // decision lists the statement under `errors` so the author sees why.
    if (!(e instanceof ConditionFault)) throw e;
    acc.errors.push({ policy: s.policy, statement: s.index, message: e.message });
    return 0;
  }
  const m: MatchedStatement = { policy: s.policy, statement: s.index, effect: s.effect };
  if (s.sid !== undefined) m.sid = s.sid;
  acc.matched.push(m);
  if (s.effect === 'Deny') return DENY;
  if (kind !== null) (acc.kinds ??= new Set()).add(kind);
  return ALLOW;
}
