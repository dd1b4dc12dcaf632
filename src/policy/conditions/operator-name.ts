/** The base condition operators (IAM User Guide: IAM JSON policy elements: Condition operators). */
export type BaseOperator =
  | 'StringEquals'
  | 'StringNotEquals'
  | 'StringEqualsIgnoreCase'
  | 'StringNotEqualsIgnoreCase'
  | 'StringLike'
  | 'StringNotLike'
  | 'NumericEquals'
  | 'NumericNotEquals'
  | 'NumericLessThan'
  | 'NumericLessThanEquals'
  | 'NumericGreaterThan'
  | 'NumericGreaterThanEquals'
  | 'DateEquals'
  | 'DateNotEquals'
  | 'DateLessThan'
  | 'DateLessThanEquals'
  | 'DateGreaterThan'
  | 'DateGreaterThanEquals'
  | 'Bool'
  | 'BinaryEquals'
  | 'IpAddress'
  | 'NotIpAddress'
  | 'ArnEquals'
  | 'ArnLike'
  | 'ArnNotEquals'
  | 'ArnNotLike'
  | 'Null';

/**
 * The operators that compare typed values (numbers, dates, IP addresses): a request's values are
 * read into that type once per decision.
 */
export const TYPED_OPERATORS: readonly BaseOperator[] = [
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'IpAddress',
  'NotIpAddress',
];

const BASE: readonly BaseOperator[] = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  ...TYPED_OPERATORS,
  'Bool',
  'BinaryEquals',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
];

const BY_NAME: ReadonlySet<string> = new Set(BASE);

/**
 * Negated operators: a missing key makes them true, and several values act as "none may match"
 * (IAM User Guide: Condition operators; Multivalued context keys).
 */
export const NEGATED: ReadonlySet<BaseOperator> = new Set<BaseOperator>([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'NumericNotEquals',
  'DateNotEquals',
  'NotIpAddress',
  'ArnNotEquals',
  'ArnNotLike',
]);

export interface ParsedOperator {
  base: BaseOperator;
  set: 'ForAllValues' | 'ForAnyValue' | null;
  ifExists: boolean;
}

/**
 * Splits `ForAnyValue:StringLikeIfExists` into its parts; null for an operator IAM does not know.
 * Names are case-sensitive, prefix and suffix included: IAM refuses `stringEquals` as
 * `Invalid Condition type : stringEquals` (MalformedPolicyDocument).
 */
export function parseOperator(name: string): ParsedOperator | null {
  let rest = name;
  let set: ParsedOperator['set'] = null;
  const colon = rest.indexOf(':');
  if (colon !== -1) {
    const prefix = rest.slice(0, colon);
    if (prefix === 'ForAllValues' || prefix === 'ForAnyValue') set = prefix;
    else return null;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.length > 8 && rest.endsWith('IfExists')) {
    ifExists = true;
    rest = rest.slice(0, -8);
  }
  if (!BY_NAME.has(rest)) return null;
  const base = rest as BaseOperator;
  // "You cannot use ...IfExists with the Null condition operator" (Condition operators: Null).
  if (base === 'Null' && (ifExists || set !== null)) return null;
  return { base, set, ifExists };
}
