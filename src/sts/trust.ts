import type { Caller } from '../caller/types.ts';
import { visitAwsPrincipals } from '../policy/index.ts';
import type { RoleRecord } from '../store/types.ts';

/**
 * The role's trust policy as IAM holds it: every user and role it named when it was saved stands
 * for that principal's unique id, not for its ARN ("AWS JSON policy elements: Principal", IAM role
 * principals and IAM user principals: the ARN is transformed to the unique principal ID when the
 * policy is saved; a deleted principal's entry no longer applies, even to one recreated with the
 * same name). So each bound entry becomes the caller's own exact ARN when the caller is that
 * principal, and the bare unique id (which matches no caller) otherwise: a namesake, on the same
 * path or another, matches nothing, and no entry is ever left to match by name alone.
 */
export function boundTrustPolicy(role: RoleRecord, caller: Caller): string {
  const text = role.assumeRolePolicyDocument;
  const ids = role.trustPrincipalIds;
  if (ids === undefined) return text;
  const bound = new Map(Object.entries(ids));
  if (bound.size === 0) return text;
  const entity = caller.role ?? caller.user;
  const doc: unknown = JSON.parse(text);
  visitAwsPrincipals(doc, (value) => {
    const id = bound.get(value.toLowerCase());
    if (id === undefined) return undefined;
    return entity !== undefined && entity.id === id ? entity.arn : id;
  });
  return JSON.stringify(doc);
}
