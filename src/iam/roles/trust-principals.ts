import { visitAwsPrincipals } from '../../policy/index.ts';
import type { IamStore } from '../../store/types.ts';
import { IamErrors } from '../common/errors.ts';

/** A user or role ARN of the `aws` partition: account, kind, and the ARN's path and name. */
const PRINCIPAL_ARN = /^arn:aws:iam::(\d{12}):(user|role)(\/(?:.*\/)?)([^/]+)$/;

/** The `AWS` principal values of every Principal and NotPrincipal of a (validated) policy. */
function awsPrincipals(text: string): string[] {
  const values: string[] = [];
  visitAwsPrincipals(JSON.parse(text), (v) => void values.push(v));
  return values;
}

/**
 * The unique id of the user or role with this exact ARN (path included), or null when there is none.
 * An empty string means "exists, id not assigned yet" (an entity a seed document is about to create).
 */
export type PrincipalLookup = (
  arn: string,
  kind: 'user' | 'role',
  name: string,
) => Promise<string | null>;

/**
 * IAM resolves the users and roles a trust policy names when the policy is saved and keeps their
 * unique ids, so naming one that does not exist is refused: MalformedPolicyDocument `Invalid
 * principal in policy: "AWS":"<arn>"` (IAM User Guide, "Roles terms and concepts": Principal, and
 * "Troubleshooting IAM roles"). Only the caller's own account is checked: the account root and bare
 * account ids always resolve, and other accounts may be real AWS accounts rolecall does not hold.
 * Returns the ids (lowercased ARN -> id) a later AssumeRole binds the policy to (sts/trust.ts).
 */
export async function resolveTrustPrincipals(
  text: string,
  account: string,
  lookup: PrincipalLookup,
): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const value of awsPrincipals(text)) {
    const m = PRINCIPAL_ARN.exec(value);
    if (!m || m[1] !== account) continue;
    const id = await lookup(value, m[2] as 'user' | 'role', m[4]!);
    if (id === null) throw IamErrors.invalidPrincipal('AWS', value);
    if (id !== '') ids[value.toLowerCase()] = id;
  }
  return ids;
}

/**
 * The store's answer: an entity of that name whose ARN (and so path) is the one named, compared
 * case-insensitively as IAM compares names.
 */
export function storedPrincipal(store: IamStore, account: string): PrincipalLookup {
  return async (arn, kind, name) => {
    const entity = await store.get(account, kind, name);
    return entity?.arn.toLowerCase() === arn.toLowerCase() ? entity.id : null;
  };
}
