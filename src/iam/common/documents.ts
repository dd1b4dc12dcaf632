import { PolicyError, policySize, validatePolicy } from '../../policy/index.ts';
import type { PolicyKind } from '../../policy/index.ts';
import { Errors } from '../../protocol/errors.ts';

/** IAM's policy document errors as the query API answers them: MalformedPolicyDocument 400, LimitExceeded 409. */
export function toAwsError(e: unknown): unknown {
  if (!(e instanceof PolicyError)) return e;
  if (e.code === 'LimitExceeded') return Errors.limitExceeded(e.message);
  if (e.code === 'InvalidInput') return Errors.invalidInput(e.message);
  return Errors.malformedPolicy(e.message);
}

/**
 * Checks a document IAM is asked to store: grammar for its kind (trust policies need Principal and
 * may not have Resource; identity policies may not have Principal) and its size limit, whitespace
 * not counted ("IAM and AWS STS quotas"). `sizeLimit: Infinity` leaves the size to the caller.
 */
export function checkDocument(text: string, kind: PolicyKind, sizeLimit?: number): void {
  try {
    validatePolicy(text, kind, sizeLimit === undefined ? undefined : { sizeLimit });
  } catch (e) {
    throw toAwsError(e);
  }
}

/** The size IAM counts against quotas: characters, whitespace excluded. */
export const documentSize = (text: string): number => policySize(text);

/** IAM returns policy documents URL-encoded (RFC 3986), inside the XML. */
export const encodeDocument = (text: string): string => encodeURIComponent(text);
