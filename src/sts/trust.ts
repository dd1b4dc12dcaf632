import type { Caller } from '../caller/types.ts';
import { visitAwsPrincipals } from '../policy/index.ts';
import type { RoleRecord } from '../store/types.ts';

/**
 * The role's trust policy as IAM holds it: bound to the unique ids of the users and roles it named
 * when it was saved. If the caller is a namesake created since (same ARN, another id), the entries
 * naming that ARN stand for the old id, as the IAM console then shows them, and no longer match.
 */
export function boundTrustPolicy(role: RoleRecord, caller: Caller): string {
  const entity = caller.role ?? caller.user;
  const text = role.assumeRolePolicyDocument;
  if (!entity) return text;
  const named = entity.arn.toLowerCase();
  const boundId = role.trustPrincipalIds?.[named];
  if (boundId === undefined || boundId === entity.id) return text;

  const doc: unknown = JSON.parse(text);
  visitAwsPrincipals(doc, (v) => (v.toLowerCase() === named ? boundId : undefined));
  return JSON.stringify(doc);
}
