/** A live set of temporary credentials, as the Durable Object holds it. */
export interface SessionRecord {
  id: string;
  accessKeyId: string; // ASIA...
  /** AES-GCM sealed secret access key. */
  sealedSecret: string;
  account: string;
  kind: 'AssumedRole' | 'FederatedUser' | 'User';
  /** The session's principal ARN (assumed-role ARN, federated-user ARN, or the user's ARN for GetSessionToken). */
  arn: string;
  /** aws:userid: `AROA...:session`, `ACCOUNT:name`, or the user's AIDA id. */
  userId: string;
  /** For role sessions: the role; for user sessions (GetSessionToken): the user. */
  sourceName: string;
  sourceArn: string;
  /** The unique id (AROA/AIDA) of that role or user: a deleted and recreated namesake is not it. */
  sourceId: string;
  sessionName?: string;
  /** Session policies passed at issuance (inline JSON text and the text of managed policy ARNs at that time). */
  sessionPolicies: string[];
  /** Session tags (aws:PrincipalTag/*), keys as given; transitive keys listed separately. */
  tags: Record<string, string>;
  transitiveTagKeys: string[];
  sourceIdentity?: string;
  mfa: boolean;
  /** When the MFA code behind `mfa` was checked (epoch ms); aws:MultiFactorAuthAge counts from it. */
  mfaAuthTime?: number;
  issuedAt: number; // epoch ms
  expiresAt: number; // epoch ms
  /** 0 for credentials issued to a long-term identity; 1+ for role chaining. */
  chainDepth: number;
}

export type SessionLookup =
  { status: 'active'; session: SessionRecord } | { status: 'expired' } | { status: 'unknown' };

/**
 * A session as its Durable Object stores it: the columns it is found by, and the record as JSON
 * text. The Worker serialises and parses the record, so a call to the object carries strings and
 * numbers only (cheaper to pass than the record's nested object).
 */
export interface StoredSession {
  accessKeyId: string;
  id: string;
  expiresAt: number;
  /** JSON of the SessionRecord. */
  record: string;
}

export type StoredLookup =
  { status: 'active'; id: string; record: string } | { status: 'expired' } | { status: 'unknown' };
