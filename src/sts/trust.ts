import type { Caller } from '../caller/types.ts';
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

  const doc = JSON.parse(text) as { Statement?: unknown };
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const rebind = (v: unknown) => (typeof v === 'string' && v.toLowerCase() === named ? boundId : v);
  for (const s of statements) {
    if (typeof s !== 'object' || s === null) continue;
    for (const field of ['Principal', 'NotPrincipal'] as const) {
      const principal = (s as Record<string, unknown>)[field];
      if (typeof principal !== 'object' || principal === null || !('AWS' in principal)) continue;
      const p = principal as { AWS: unknown };
      p.AWS = Array.isArray(p.AWS) ? p.AWS.map(rebind) : rebind(p.AWS);
    }
  }
  return JSON.stringify(doc);
}
