import type { DecisionTrace } from './trace.ts';

/** A request context value: strings, or arrays for multivalued keys; numbers and booleans are accepted as text. */
export type ContextValue = string | number | boolean | Array<string | number | boolean>;

export interface DecisionRequest {
  /** User/role/session/root ARN, account id, federated provider ARN or service principal. */
  principal: string;
  action: string;
  /** An ARN, or "*". */
  resource: string;
  resourceAccount?: string;
  /** Condition keys are case-insensitive. */
  context?: Record<string, ContextValue>;
}

/** A policy document, either JSON text (checked for duplicate keys) or already parsed. */
export type PolicyInput = string | object;

export interface PolicySet {
  identity?: PolicyInput[];
  resource?: PolicyInput;
  permissionsBoundary?: PolicyInput;
  session?: PolicyInput[];
  /** Levels (root, OUs, account); each level a document or an array of documents. */
  scp?: Array<PolicyInput | PolicyInput[]>;
  /**
   * Resource control policies of the resource's organization: levels (root, OUs, account), each a
   * document or an array of documents. Only their Deny statements count: RCPFullAWSAccess is
   * attached at every level and cannot be detached.
   */
  rcp?: Array<PolicyInput | PolicyInput[]>;
}

export interface MatchedStatement {
  policy: string;
  statement: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
}

export interface StatementError {
  policy: string;
  statement: number;
  message: string;
}

export interface Decision {
  decision: 'allowed' | 'explicitDeny' | 'implicitDeny';
  /** Every statement that applied to the request. */
  matchedStatements: MatchedStatement[];
  /** Condition keys (and policy variables) referenced by evaluated statements but absent from the context. */
  missingContextKeys: string[];
  /** Why, in one sentence. */
  reason: string;
  /** Statements skipped because they could not be evaluated (they neither allow nor deny). */
  errors: StatementError[];
  /** Only when asked for with `decide(request, { trace: true })`. */
  trace?: DecisionTrace;
}

export type PolicyKind = 'identity' | 'resource' | 'trust' | 'boundary' | 'session' | 'scp' | 'rcp';

export type PrincipalType = 'AWS' | 'Service' | 'Federated' | 'CanonicalUser';

/** `"*"` or a map of principal type to its values. */
export type NormalizedPrincipal = '*' | Partial<Record<PrincipalType, string[]>>;

/** operator -> condition key -> values (numbers and booleans turned into text). */
export type NormalizedCondition = Record<string, Record<string, string[]>>;

export interface NormalizedStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  Principal?: NormalizedPrincipal;
  NotPrincipal?: NormalizedPrincipal;
  Condition?: NormalizedCondition;
}

export interface NormalizedPolicy {
  Version?: '2012-10-17' | '2008-10-17';
  Id?: string;
  Statement: NormalizedStatement[];
}
