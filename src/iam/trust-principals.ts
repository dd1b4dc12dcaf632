import type { IamStore } from '../store/types.ts';
import { IamErrors } from './messages.ts';

/** A user or role ARN of the `aws` partition: account, kind, and the ARN's path and name. */
const PRINCIPAL_ARN = /^arn:aws:iam::(\d{12}):(user|role)(\/(?:.*\/)?)([^/]+)$/;

/** Tells whether the user or role with this exact ARN (path included) exists. */
export type PrincipalExists = (
  arn: string,
  kind: 'user' | 'role',
  name: string,
) => Promise<boolean>;

/** The `AWS` principal values of every Principal and NotPrincipal of a (validated) policy. */
function awsPrincipals(text: string): string[] {
  const doc: unknown = JSON.parse(text);
  if (typeof doc !== 'object' || doc === null || !('Statement' in doc)) return [];
  const statements: unknown[] = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const values: string[] = [];
  for (const s of statements) {
    if (typeof s !== 'object' || s === null) continue;
    for (const field of ['Principal', 'NotPrincipal']) {
      const principal: unknown = (s as Record<string, unknown>)[field];
      if (typeof principal !== 'object' || principal === null || !('AWS' in principal)) continue;
      const aws: unknown = principal.AWS;
      for (const v of Array.isArray(aws) ? aws : [aws]) if (typeof v === 'string') values.push(v);
    }
  }
  return values;
}

/**
 * IAM resolves the users and roles a trust policy names when the policy is saved (it keeps their
 * unique ids), so naming one that does not exist is refused: MalformedPolicyDocument `Invalid
 * principal in policy: "AWS":"<arn>"` (IAM User Guide, "Roles terms and concepts": Principal, and
 * "Troubleshooting IAM roles"). Only the caller's own account is checked: the account root and bare
 * account ids always resolve, and other accounts may be real AWS accounts rolecall does not hold.
 */
export async function checkTrustPrincipals(
  text: string,
  account: string,
  exists: PrincipalExists,
): Promise<void> {
  for (const value of awsPrincipals(text)) {
    const m = PRINCIPAL_ARN.exec(value);
    if (!m || m[1] !== account) continue;
    if (!(await exists(value, m[2] as 'user' | 'role', m[4]!)))
      throw IamErrors.invalidPrincipal('AWS', value);
  }
}

/**
 * Existence as the store knows it: an entity of that name whose ARN (and so path) is the one named,
 * compared case-insensitively as IAM compares names.
 */
export function storedPrincipal(store: IamStore, account: string): PrincipalExists {
  return async (arn, kind, name) =>
    (await store.get(account, kind, name))?.arn.toLowerCase() === arn.toLowerCase();
}

/**
 * The unique ids, at save time, of the own-account users and roles a trust policy names, so a later
 * AssumeRole can tell the principal named then from a namesake created since (see bindTrustPolicy).
 */
export async function trustPrincipalIds(
  text: string,
  account: string,
  store: IamStore,
): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const value of awsPrincipals(text)) {
    const m = PRINCIPAL_ARN.exec(value);
    if (!m || m[1] !== account) continue;
    const entity = await store.get(account, m[2] as 'user' | 'role', m[4]!);
    if (entity) ids[value.toLowerCase()] = entity.id;
  }
  return ids;
}
