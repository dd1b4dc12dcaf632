import { nameRecord, setName } from './records.ts';
import { parseOperator } from './conditions/operator-name.ts';
import { MSG, PolicyError } from './errors.ts';
import { parsePolicyJson, policySize } from './json.ts';
import { isValidPrincipalValue, PRINCIPAL_TYPES } from './principal-format.ts';
import type {
  NormalizedCondition,
  NormalizedPolicy,
  NormalizedPrincipal,
  NormalizedStatement,
  PolicyInput,
  PolicyKind,
  PrincipalType,
} from './types.ts';

/**
 * Grammar per document kind. `resourceOrTrust` is the simulator's reading of `policies.resource`
 * before it knows the request: Principal required, Resource optional (a role trust policy has
 * none); the request decides later which of the two it is.
 */
export type GrammarKind = PolicyKind | 'resourceOrTrust';

/** Default size limits, whitespace not counted (IAM User Guide: IAM and AWS STS quotas). */
const SIZE: Record<PolicyKind, { limit: number; quota: string }> = {
  identity: { limit: 6144, quota: 'PolicySize' },
  boundary: { limit: 6144, quota: 'PolicySize' },
  resource: { limit: 20480, quota: 'PolicySize' },
  trust: { limit: 2048, quota: 'ACLSizePerRole' },
  session: { limit: 2048, quota: 'PolicySize' },
  scp: { limit: 5120, quota: 'PolicySize' },
  rcp: { limit: 5120, quota: 'PolicySize' },
};

/**
 * IAM's validation for storing a policy (CreatePolicy, PutRolePolicy, CreateRole's trust policy,
 * AssumeRole's Policy). Throws PolicyError worded as IAM; returns the normalized document.
 */
export function validatePolicy(
  doc: PolicyInput,
  kind: PolicyKind,
  options?: { sizeLimit?: number },
): NormalizedPolicy {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
  const normalized = normalizePolicy(doc, kind);
  const limit = options?.sizeLimit ?? SIZE[kind].limit;
  if (policySize(text) > limit) {
    throw new PolicyError('LimitExceeded', MSG.quota(SIZE[kind].quota, limit));
  }
  return normalized;
}

/** Parses and checks the grammar of one document (no size limit). */
export function normalizePolicy(
  doc: PolicyInput,
  kind: GrammarKind,
  label?: string,
): NormalizedPolicy {
  const fail = (message: string): never => {
    throw new PolicyError('MalformedPolicyDocument', message, label);
  };
  const value: unknown = typeof doc === 'string' ? parsePolicyJson(doc, label) : (doc as unknown);
  if (!isPlainObject(value)) return fail(MSG.syntax);

  const out: NormalizedPolicy = { Statement: [] };
  for (const key of Object.keys(value)) {
    if (key !== 'Version' && key !== 'Id' && key !== 'Statement') fail(MSG.syntax);
  }
  if ('Version' in value) {
    const v = value.Version;
    if (v !== '2012-10-17' && v !== '2008-10-17') fail(MSG.version);
    out.Version = v as '2012-10-17' | '2008-10-17';
  }
  // "Every RCP must include a Version element with the value "2012-10-17"" (AWS Organizations
  // User Guide: RCP syntax).
  if (kind === 'rcp' && out.Version !== '2012-10-17') fail(MSG.version);
  if ('Id' in value) {
    if (typeof value.Id !== 'string') fail(MSG.syntax);
    out.Id = value.Id as string;
  }
  if (!('Statement' in value)) fail(MSG.statementMissing);
  const raw = value.Statement;
  const list = Array.isArray(raw) ? raw : [raw];
  const sids = new Set<string>();
  for (const entry of list) {
    const statement = normalizeStatement(entry, kind, fail);
    if (statement.Sid !== undefined && statement.Sid !== '') {
      // "In IAM, the Sid value must be unique within a JSON policy" (IAM JSON policy elements: Sid).
      if (sids.has(statement.Sid)) fail(MSG.sidUnique);
      sids.add(statement.Sid);
    }
    out.Statement.push(statement);
  }
  return out;
}

const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Principal',
  'NotPrincipal',
  'Condition',
]);

function normalizeStatement(
  raw: unknown,
  kind: GrammarKind,
  fail: (message: string) => never,
): NormalizedStatement {
  if (!isPlainObject(raw)) return fail(MSG.syntax);
  for (const key of Object.keys(raw)) if (!STATEMENT_KEYS.has(key)) fail(MSG.syntax);

  let sid: string | undefined;
  if ('Sid' in raw) {
    if (typeof raw.Sid !== 'string') fail(MSG.syntax);
    sid = raw.Sid as string;
    // Other services' resource policies accept richer Sids (SQS, SNS, S3); IAM's own documents
    // (identity, boundary, trust, session) take A-Z, a-z, 0-9 only (IAM JSON policy elements: Sid).
    const iamStored = kind !== 'resource' && kind !== 'resourceOrTrust';
    if (iamStored && !/^[0-9A-Za-z]*$/.test(sid)) fail(MSG.sidFormat);
  }

  if (!('Effect' in raw)) fail(MSG.effectMissing);
  const effect = raw.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') {
    return fail(typeof effect === 'string' ? MSG.invalidEffect(effect) : MSG.syntax);
  }
  const out: NormalizedStatement = { Effect: effect };
  if (sid !== undefined) out.Sid = sid;

  // Principal (IAM JSON policy elements: Principal): required in resource-based and trust
  // policies, not allowed in identity-based policies, permissions boundaries, session policies, SCPs.
  const hasP = 'Principal' in raw;
  const hasNP = 'NotPrincipal' in raw;
  if (isResourceSide(kind)) {
    if (hasP && hasNP) fail(MSG.syntax);
    if (!hasP && !hasNP) fail(MSG.principalMissing);
    // "You cannot use the NotPrincipal element in an IAM identity-based policy nor in an IAM role
    // trust policy", and "NotPrincipal must be used with "Effect":"Deny"" (NotPrincipal).
    if (hasNP && kind === 'trust') fail(MSG.prohibited('NotPrincipal'));
    // "Service control policies (SCPs) and resource control policies (RCPs) don't support the
    // NotPrincipal element" (NotPrincipal).
    if (hasNP && kind === 'rcp') fail(MSG.prohibited('NotPrincipal'));
    if (hasNP && effect === 'Allow') fail(MSG.notPrincipalAllow);
    if (hasP) out.Principal = normalizePrincipal(raw.Principal, fail);
    else out.NotPrincipal = normalizePrincipal(raw.NotPrincipal, fail);
    // An RCP names every principal and narrows them with conditions (RCP syntax: Principal).
    if (kind === 'rcp' && !isEveryone(out.Principal)) fail(MSG.rcpPrincipal);
  } else if (hasP || hasNP) {
    fail(MSG.principalForbidden);
  }

  const hasA = 'Action' in raw;
  const hasNA = 'NotAction' in raw;
  if (hasA && hasNA) fail(MSG.syntax);
  // RCPs take Action only (RCP syntax: Elements summary).
  if (hasNA && kind === 'rcp') fail(MSG.prohibited('NotAction'));
  if (!hasA && !hasNA) fail(MSG.actionsMissing);
  const actions = stringList(hasA ? raw.Action : raw.NotAction, fail);
  if (actions.length === 0) fail(MSG.actionsMissing);
  for (const a of actions) checkAction(a, fail);
  if (hasA) out.Action = actions;
  else out.NotAction = actions;

  const hasR = 'Resource' in raw;
  const hasNR = 'NotResource' in raw;
  if (hasR && hasNR) fail(MSG.syntax);
  if (kind === 'trust') {
    // A role trust policy names no resource: the role is the resource.
    if (hasR) fail(MSG.prohibited('Resource'));
    if (hasNR) fail(MSG.prohibited('NotResource'));
  } else if (hasR || hasNR) {
    const resources = stringList(hasR ? raw.Resource : raw.NotResource, fail);
    if (resources.length === 0) fail(MSG.resourcesMissing);
    for (const r of resources) checkResource(r, fail);
    if (hasR) out.Resource = resources;
    else out.NotResource = resources;
  } else if (kind !== 'resourceOrTrust') {
    fail(MSG.resourcesMissing);
  }

  if ('Condition' in raw) out.Condition = normalizeCondition(raw.Condition, fail);
  if (kind === 'rcp' && effect === 'Allow' && !isFullAccess(out)) fail(MSG.rcpAllow);
  return out;
}

/** `"Principal": "*"` or `{"AWS": "*"}`: every principal (IAM JSON policy elements: Principal). */
function isEveryone(p: NormalizedPrincipal | undefined): boolean {
  if (p === '*') return true;
  if (p === undefined || Object.keys(p).length !== 1) return false;
  return p.AWS !== undefined && p.AWS.length === 1 && p.AWS[0] === '*';
}

/**
 * The statement of RCPFullAWSAccess (every principal, action and resource, no condition): "The
 * effect of Allow is only supported for the RCPFullAWSAccess policy" (RCP syntax).
 */
function isFullAccess(s: NormalizedStatement): boolean {
  const all = (list: string[] | undefined) => list?.length === 1 && list[0] === '*';
  return all(s.Action) && all(s.Resource) && s.Condition === undefined;
}

function isResourceSide(kind: GrammarKind): boolean {
  return kind === 'resource' || kind === 'trust' || kind === 'resourceOrTrust' || kind === 'rcp';
}

function normalizePrincipal(raw: unknown, fail: (message: string) => never): NormalizedPrincipal {
  if (raw === '*') return '*';
  if (typeof raw === 'string') return fail(MSG.invalidPrincipal('AWS', raw));
  if (!isPlainObject(raw)) return fail(MSG.syntax);
  const keys = Object.keys(raw);
  if (keys.length === 0) fail(MSG.syntax);
  const out: Partial<Record<PrincipalType, string[]>> = nameRecord();
  for (const key of keys) {
    const type = PRINCIPAL_TYPES.find((t) => t === key);
    const values = stringList(raw[key], fail);
    if (type === undefined) return fail(MSG.invalidPrincipal(key, values[0] ?? ''));
    if (values.length === 0) fail(MSG.syntax);
    for (const v of values)
      if (!isValidPrincipalValue(type, v)) fail(MSG.invalidPrincipal(type, v));
    setName(out, type, values);
  }
  return out;
}

/** Action grammar: `*`, or `vendor:action` with one colon and no wildcard in the vendor. */
function checkAction(action: string, fail: (message: string) => never): void {
  if (action === '*') return;
  const colon = action.indexOf(':');
  if (colon <= 0) fail(MSG.vendorMissing);
  if (action.indexOf(':', colon + 1) !== -1) fail(MSG.oneColon);
  const vendor = action.slice(0, colon);
  if (vendor.includes('*') || vendor.includes('?')) fail(MSG.vendorWildcard);
  if (!/^[A-Za-z0-9-]+$/.test(vendor)) fail(MSG.invalidVendor(vendor));
}

/** Resource grammar: `*` or an ARN (IAM JSON policy elements: Resource). */
function checkResource(resource: string, fail: (message: string) => never): void {
  if (resource === '*') return;
  if (!resource.startsWith('arn:')) fail(MSG.resourceFormat(resource));
  let colons = 0;
  for (let i = 0; i < resource.length; i++) if (resource.charCodeAt(i) === 0x3a) colons++;
  if (colons < 5 && !resource.endsWith('*')) fail(MSG.resourceFormat(resource));
}

function normalizeCondition(raw: unknown, fail: (message: string) => never): NormalizedCondition {
  if (!isPlainObject(raw)) return fail(MSG.syntax);
  // Condition keys and operators are the policy's text: `__proto__` is a key like any other.
  const out: NormalizedCondition = nameRecord();
  for (const op of Object.keys(raw)) {
    if (parseOperator(op) === null) fail(MSG.invalidCondition(op));
    const block = raw[op];
    if (!isPlainObject(block)) return fail(MSG.syntax);
    const keys = nameRecord<string[]>();
    for (const key of Object.keys(block)) {
      if (key === '') fail(MSG.syntax);
      setName(keys, key, scalarList(block[key], fail));
    }
    setName(out, op, keys);
  }
  return out;
}

function stringList(raw: unknown, fail: (message: string) => never): string[] {
  if (typeof raw === 'string') return [raw];
  if (!Array.isArray(raw)) return fail(MSG.syntax);
  for (const v of raw) if (typeof v !== 'string') fail(MSG.syntax);
  return raw as string[];
}

/** Condition values may be strings, numbers or booleans, alone or in an array. */
function scalarList(raw: unknown, fail: (message: string) => never): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((v: unknown) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return fail(MSG.syntax);
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
