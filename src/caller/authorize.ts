import {
  PolicyError,
  type ContextValue,
  type Decision,
  type PolicyInput,
} from '../policy/index.ts';
import { Errors } from '../protocol/errors.ts';
import type { IamStore } from '../store/types.ts';
import { requestContext } from './context.ts';
import { compiled, policySetOf } from './policies.ts';
import type { Caller, RequestInfo } from './types.ts';

/** Who asks, and where their policies are: the authenticated caller, its request, the store. */
export interface Asker {
  store: IamStore;
  caller: Caller;
  info: RequestInfo;
}

/** One action on one resource, with the request keys and resource policy the service adds. */
export interface AuthorizationRequest {
  action: string;
  resource: string;
  context?: Record<string, ContextValue>;
  resourcePolicy?: PolicyInput;
  resourceAccount?: string;
}

/** Evaluates the caller's policies for one action on one resource, as AWS's authorization step does. */
export async function decide(
  { store, caller, info }: Asker,
  { action, resource, ...options }: AuthorizationRequest,
): Promise<Decision> {
  if (caller.orphaned) {
    return nothingAllowed(
      'The role or user these temporary credentials were issued for no longer exists.',
    );
  }
  const set = await policySetOf(store, caller);
  if (options.resourcePolicy !== undefined) set.resource = options.resourcePolicy;
  try {
    return compiled(set).decide({
      principal: caller.arn,
      action,
      resource,
      resourceAccount: options.resourceAccount,
      context: requestContext(caller, info, options.context),
    });
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    // The request spent its matching budget (policy/budget.ts): fail closed.
    if (e.code === 'LimitExceeded' && e.policy === undefined) return nothingAllowed(e.message);
    // A stored policy IAM would refuse (written before a rule existed, or by hand): fail closed.
    console.error('stored policy failed validation', e.message);
    return nothingAllowed(`A stored policy is invalid (${e.message}); it allows nothing.`);
  }
}

function nothingAllowed(reason: string): Decision {
  return {
    decision: 'implicitDeny',
    matchedStatements: [],
    missingContextKeys: [],
    reason,
    errors: [],
  };
}

/** Throws AWS's AccessDenied unless the decision is `allowed`. */
export async function authorize(asker: Asker, request: AuthorizationRequest): Promise<void> {
  const result = await decide(asker, request);
  if (result.decision !== 'allowed') {
    const { action, resource } = request;
    const { caller } = asker;
    const hasBoundary = (caller.role ?? caller.user)?.permissionsBoundary !== undefined;
    throw Errors.notAuthorized(
      caller.arn,
      action,
      resource,
      denialReason(result, action, hasBoundary),
    );
  }
}

const POLICY_TYPES: Record<string, string> = {
  identity: 'identity-based policy',
  permissionsBoundary: 'permissions boundary',
  session: 'session policy',
  scp: 'service control policy',
  resource: 'resource-based policy',
};

function policyType(policy: string): string {
  return POLICY_TYPES[policy.replace(/\[.*$/, '')] ?? 'policy';
}

/**
 * AWS's access-denied reason suffix ("Access denied error messages", IAM User Guide):
 * "with an explicit deny in a <type>" or "because no <type> allows the <action> action". An
 * identity-based allow stopped by something else names the permissions boundary only when the
 * caller has one; otherwise it was the session policies.
 */
export function denialReason(result: Decision, action: string, hasBoundary: boolean): string {
  const deny = result.matchedStatements.find((s) => s.effect === 'Deny');
  if (deny)
    return ` with an explicit deny in a${/^[aeiou]/.test(policyType(deny.policy)) ? 'n' : ''} ${policyType(deny.policy)}`;
  const allowedBy = new Set(
    result.matchedStatements
      .filter((s) => s.effect === 'Allow')
      .map((s) => s.policy.replace(/\[.*$/, '')),
  );
  const missing =
    !allowedBy.has('identity') && !allowedBy.has('resource')
      ? 'identity'
      : hasBoundary && !allowedBy.has('permissionsBoundary')
        ? 'permissionsBoundary'
        : 'session';
  return ` because no ${policyType(missing)} allows the ${action} action`;
}
