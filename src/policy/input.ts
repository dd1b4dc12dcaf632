import { PolicyError } from './errors.ts';
import type { ContextValue, DecisionRequest, PolicyInput, PolicySet } from './types.ts';

/**
 * Checks the JSON envelope of POST /v1/simulate (docs/simulate.md) and names the first bad
 * field, so an HTTP caller gets a 400 that says what to fix.
 */
export function parseSimulateInput(value: unknown): {
  request: DecisionRequest;
  policies: PolicySet;
} {
  const body = object(value, 'body');
  only(body, ['request', 'policies'], '');
  if (!('request' in body)) bad('request is required');
  return { request: parseRequest(body.request), policies: parsePolicySet(body.policies ?? {}) };
}

/**
 * Bounds on one context key, so a single request cannot buy unbounded matching work (a wildcard
 * pattern is matched in time proportional to pattern x value). Real request values (ARNs up to
 * 2048 characters, user agents, tag lists) fit well inside.
 */
export const MAX_CONTEXT_CHARS = 4096;
export const MAX_CONTEXT_VALUES = 256;

export function parseRequest(value: unknown): DecisionRequest {
  const r = object(value, 'request');
  only(r, ['principal', 'action', 'resource', 'resourceAccount', 'context'], 'request.');
  const out: DecisionRequest = {
    principal: nonEmpty(r.principal, 'request.principal'),
    action: nonEmpty(r.action, 'request.action'),
    resource: nonEmpty(r.resource, 'request.resource'),
  };
  if (!isServiceAction(out.action)) bad('request.action must look like service:Action');
  if (r.resourceAccount !== undefined) {
    const acct = nonEmpty(r.resourceAccount, 'request.resourceAccount');
    if (!/^\d{12}$/.test(acct)) bad('request.resourceAccount must be a 12-digit account id');
    out.resourceAccount = acct;
  }
  if (r.context !== undefined) {
    const ctx = object(r.context, 'request.context');
    const seen = new Set<string>();
    for (const [k, v] of Object.entries(ctx)) {
      if (seen.has(k.toLowerCase()))
        bad(`request.context has the key ${k} twice (keys are case-insensitive)`);
      seen.add(k.toLowerCase());
      if (!isContextValue(v)) {
        bad(`request.context.${k} must be a string, number, boolean, or an array of them`);
      }
      const values = Array.isArray(v) ? v : [v];
      if (values.length > MAX_CONTEXT_VALUES) {
        bad(`request.context.${k} has more than ${MAX_CONTEXT_VALUES} values`);
      }
      if (values.some((x) => typeof x === 'string' && x.length > MAX_CONTEXT_CHARS)) {
        bad(`request.context.${k} has a value longer than ${MAX_CONTEXT_CHARS} characters`);
      }
    }
    out.context = ctx as Record<string, ContextValue>;
  }
  checkRequest(out);
  return out;
}

export function parsePolicySet(value: unknown): PolicySet {
  const p = object(value, 'policies');
  only(p, ['identity', 'resource', 'permissionsBoundary', 'session', 'scp', 'rcp'], 'policies.');
  const out: PolicySet = {};
  if (p.identity !== undefined) out.identity = docs(p.identity, 'policies.identity');
  if (p.resource !== undefined) out.resource = doc(p.resource, 'policies.resource');
  if (p.permissionsBoundary !== undefined) {
    out.permissionsBoundary = doc(p.permissionsBoundary, 'policies.permissionsBoundary');
  }
  if (p.session !== undefined) out.session = docs(p.session, 'policies.session');
  if (p.scp !== undefined) out.scp = levels(p.scp, 'scp');
  if (p.rcp !== undefined) out.rcp = levels(p.rcp, 'rcp');
  return out;
}

/** Organization policy levels (root, OUs, account): each a document or an array of documents. */
function levels(v: unknown, name: string): Array<PolicyInput | PolicyInput[]> {
  if (!Array.isArray(v)) bad(`policies.${name} must be an array of levels`);
  return (v as unknown[]).map((level, i) =>
    Array.isArray(level)
      ? docs(level, `policies.${name}[${i}]`)
      : doc(level, `policies.${name}[${i}]`),
  );
}

function docs(v: unknown, field: string): PolicyInput[] {
  if (!Array.isArray(v)) return bad(`${field} must be an array of policy documents`);
  return v.map((d, i) => doc(d, `${field}[${i}]`));
}

/** Anything else than an object or JSON text is left to the grammar check (MalformedPolicyDocument). */
function doc(v: unknown, field: string): PolicyInput {
  if (v === null || v === undefined)
    return bad(`${field} must be a policy document (an object or JSON text)`);
  return v as PolicyInput;
}

function isContextValue(v: unknown): boolean {
  const scalar = (x: unknown) =>
    typeof x === 'string' ||
    typeof x === 'boolean' ||
    (typeof x === 'number' && Number.isFinite(x));
  return scalar(v) || (Array.isArray(v) && v.every(scalar));
}

function object(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return bad(`${field} must be an object`);
  return v as Record<string, unknown>;
}

function only(o: Record<string, unknown>, allowed: string[], prefix: string): void {
  for (const k of Object.keys(o))
    if (!allowed.includes(k)) bad(`${prefix}${k} is not a known field`);
}

function nonEmpty(v: unknown, field: string): string {
  if (typeof v !== 'string') return bad(`${field} must be a string`);
  if (v === '') bad(`${field} must not be empty`);
  return v;
}

function bad(message: string): never {
  throw new PolicyError('InvalidInput', message);
}

/**
 * The one check of a decision request's fields, whoever built it: parseRequest (the HTTP body) and
 * compile().decide (library callers, IAM simulation, AuthZEN) both run it. An action is
 * `service:Action` with exactly one colon; IAM constrains SimulateCustomPolicy's ActionNames by
 * length only (3-128, IAM API Reference), so other characters, whitespace included, are matched
 * as given (such an action matches only wildcards that cover it).
 */
export function checkRequest(request: DecisionRequest): void {
  const bad = (field: string, what: string) => {
    throw new PolicyError('InvalidInput', `request.${field} must be ${what}`);
  };
  if (typeof request !== 'object' || request === null) {
    throw new PolicyError('InvalidInput', 'request must be an object');
  }
  if (typeof request.principal !== 'string' || request.principal === '')
    bad('principal', 'a non-empty string');
  if (typeof request.action !== 'string' || !isServiceAction(request.action)) {
    bad('action', 'a string of the form service:Action');
  }
  if (typeof request.resource !== 'string' || request.resource === '')
    bad('resource', 'a non-empty string');
  // IAM's own bounds for the same fields (IAM API Reference, SimulateCustomPolicy: CallerArn and
  // ResourceArns members 1-2048 characters, ActionNames members 3-128).
  if (request.principal.length > MAX_ARN) bad('principal', `at most ${MAX_ARN} characters`);
  if (request.resource.length > MAX_ARN) bad('resource', `at most ${MAX_ARN} characters`);
  if (request.action.length > MAX_ACTION) bad('action', `at most ${MAX_ACTION} characters`);
  if (request.resourceAccount !== undefined && !/^\d{12}$/.test(String(request.resourceAccount))) {
    bad('resourceAccount', 'a 12-digit account id');
  }
}

const MAX_ARN = 2048;
const MAX_ACTION = 128;

/** `service:Action`: exactly one colon, with text on both sides. */
export function isServiceAction(action: string): boolean {
  let colon = -1;
  for (let i = 0; i < action.length; i++) {
    if (action.charCodeAt(i) !== 0x3a) continue;
    if (colon !== -1) return false;
    colon = i;
  }
  return colon > 0 && colon < action.length - 1;
}
