import type { SessionRecord } from '../sessions/types.ts';
import type { RoleRecord, UserRecord } from '../store/types.ts';
import type { Service } from '../protocol/xml.ts';

/** Who signed the request, as authentication established it. */
export interface Caller {
  kind: 'User' | 'AssumedRole' | 'FederatedUser';
  account: string;
  /** The principal ARN AWS reports (GetCallerIdentity Arn, AccessDenied messages). */
  arn: string;
  /** aws:userid */
  userId: string;
  accessKeyId: string;
  /** The long-term identity behind the credentials: the user, or the assumed role. */
  user?: UserRecord;
  role?: RoleRecord;
  /** Present when the request was signed with temporary credentials. */
  session?: SessionRecord;
  /**
   * The role or user a session was issued for no longer exists (deleted, or replaced by a namesake
   * with another unique id): the credentials still identify the caller, but nothing is authorized.
   */
  orphaned?: boolean;
}

/** What the HTTP layer knows about the request, handed to every operation. */
export interface RequestInfo {
  requestId: string;
  /** Epoch ms; the one clock reading for this request. */
  now: number;
  service: Service;
  region: string;
  sourceIp?: string;
  secureTransport: boolean;
  userAgent?: string;
  /** The Host the request was sent to (with its port): names rolecall's own issuers. */
  host?: string;
}
