/**
 * Decisions in the browser: the evaluator from src/policy, bundled into the page, answers as the
 * visitor types. Two questions: may this caller assume the role (its trust policy), and may a
 * session of the role do an action on a resource (its permissions, boundary and session policy).
 */
import {
  PolicyError,
  simulate,
  type ContextValue,
  type Decision,
  type PolicySet,
} from '../../policy/index.ts';
import type { CallerId } from './setup.ts';

export interface Ids {
  account: string;
  partner: string;
}

export interface CallerInfo {
  id: CallerId;
  label: string;
  /** The principal AWS would see: an ARN, or a service principal. */
  principal: string;
  /** What the caller's own (identity-based) policies allow, when the page knows them. */
  identity: object[];
  action: 'sts:AssumeRole' | 'sts:AssumeRoleWithWebIdentity';
  /** Whether the page can sign a real AssumeRole as this caller. */
  signs: boolean;
  note: string;
}

const ASSUME_ANY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
};
const ADMIN = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

export function callers(ids: Ids): CallerInfo[] {
  const a = ids.account || 'ACCOUNT';
  const p = ids.partner || 'PARTNER';
  return [
    {
      id: 'admin',
      label: 'admin, a user of your sandbox',
      principal: `arn:aws:iam::${a}:user/admin`,
      identity: [ADMIN],
      action: 'sts:AssumeRole',
      signs: true,
      note: 'An IAM user: an identity AWS authenticates with its access key. Its policy allows everything.',
    },
    {
      id: 'alice',
      label: 'alice, a user allowed only sts:AssumeRole',
      principal: `arn:aws:iam::${a}:user/alice`,
      identity: [ASSUME_ANY],
      action: 'sts:AssumeRole',
      signs: true,
      note: 'Another IAM user of your sandbox, whose own policy allows sts:AssumeRole and nothing else.',
    },
    {
      id: 'partner',
      label: 'partner, a user of another account',
      principal: `arn:aws:iam::${p}:user/partner`,
      identity: [ASSUME_ANY],
      action: 'sts:AssumeRole',
      signs: true,
      note: `A user of your second account (${p}): cross-account, so both its own policy and the trust policy must allow.`,
    },
    {
      id: 'service',
      label: 'the EC2 service (ec2.amazonaws.com)',
      principal: 'ec2.amazonaws.com',
      identity: [],
      action: 'sts:AssumeRole',
      signs: false,
      note: 'A service principal: a principal but not an identity of your account. AWS services assume roles themselves, so rolecall answers with its policy decision (POST /v1/simulate) instead of credentials.',
    },
    {
      id: 'root',
      label: "your account's root user",
      principal: `arn:aws:iam::${a}:root`,
      identity: [],
      action: 'sts:AssumeRole',
      signs: false,
      note: 'The root user is a principal with no policies of its own; AWS does not let it assume roles. rolecall answers with its policy decision.',
    },
    {
      id: 'chain',
      label: 'a session of role demo-readonly (role chaining)',
      principal: `arn:aws:sts::${a}:assumed-role/demo-readonly/playground-chain`,
      identity: [],
      action: 'sts:AssumeRole',
      signs: true,
      note: 'The page first assumes demo-readonly with the admin key, then uses that session to assume this role: role chaining, capped at one hour.',
    },
    {
      id: 'github',
      label: 'a GitHub Actions workflow (OIDC)',
      principal: `arn:aws:iam::${a}:oidc-provider/token.actions.githubusercontent.com`,
      identity: [],
      action: 'sts:AssumeRoleWithWebIdentity',
      signs: true,
      note: "A federated principal: the workflow presents an OIDC token whose claims become condition keys. The page mints one from your sandbox's test issuer with GitHub's issuer and the claims in the Context field (sub, aud), then calls AssumeRoleWithWebIdentity.",
    },
  ];
}

export type Outcome =
  { ok: true; decision: Decision } | { ok: false; message: string; policy?: string };

/** Context keys typed by the visitor: a JSON object of strings, arrays, numbers or booleans. */
export function parseContext(text: string): Record<string, ContextValue> | string {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return 'Context keys must be a JSON object, e.g. {"aws:SourceIp": "203.0.113.9"}.';
    }
    return value as Record<string, ContextValue>;
  } catch (e) {
    // Where and why, as the JSON parser says it ("... at position 18 (line 1 column 19)").
    const why = e instanceof SyntaxError ? ` (${e.message})` : '';
    return `Context keys are not valid JSON${why}: write an object, e.g. {"aws:SourceIp": "203.0.113.9"}.`;
  }
}

export function run(input: {
  principal: string;
  action: string;
  resource: string;
  policies: PolicySet;
  context: Record<string, ContextValue>;
}): Outcome {
  try {
    const decision = simulate(
      {
        request: {
          principal: input.principal,
          action: input.action,
          resource: input.resource,
          context: input.context,
        },
        policies: input.policies,
      },
      { trace: true },
    );
    return { ok: true, decision };
  } catch (e) {
    if (e instanceof PolicyError)
      return { ok: false, message: `${e.code}: ${e.message}`, policy: e.policy };
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

/** The policy set of a session of the role, from the editors (empty editors are absent). */
export function sessionPolicies(docs: {
  permissions: string;
  boundary: string;
  session: string;
}): PolicySet {
  const set: PolicySet = { identity: docs.permissions.trim() ? [docs.permissions] : [] };
  if (docs.boundary.trim()) set.permissionsBoundary = docs.boundary;
  if (docs.session.trim()) set.session = [docs.session];
  return set;
}
