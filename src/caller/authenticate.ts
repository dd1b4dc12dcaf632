import { openSecret } from '../auth/seal.ts';
import { parseSigV4, verifySigV4, type SigV4Input, type SigV4Request } from '../auth/sigv4.ts';
import { openSessionToken } from '../auth/token.ts';
import type { Env } from '../env.ts';
import { AwsError, Errors } from '../protocol/errors.ts';
import { SessionsClient } from '../sessions/client.ts';
import type { SessionRecord } from '../sessions/types.ts';
import type { IamStore, RoleRecord, UserRecord } from '../store/types.ts';
import { deriveKeys } from '../auth/secret-keys.ts';
import type { Caller } from './types.ts';

export type SignedRequest = SigV4Input;

/** What the request's SigV4 authentication says, read once: absent, parsed, or unusable (and why). */
export type Authentication =
  { kind: 'none' } | { kind: 'signed'; sig: SigV4Request } | { kind: 'invalid'; error: AwsError };

export function readAuthentication(req: SignedRequest, now: number): Authentication {
  try {
    // Passing the clock lets the parser refuse a stale or expired signature before any key lookup, in AWS's order.
    const sig = parseSigV4(req, { now: new Date(now) });
    return sig ? { kind: 'signed', sig } : { kind: 'none' };
  } catch (e) {
    if (e instanceof AwsError) return { kind: 'invalid', error: e };
    throw e;
  }
}

/** The signature an operation that needs one must have: MissingAuthenticationToken when there is none. */
export function requireSignature(auth: Authentication): SigV4Request {
  if (auth.kind === 'invalid') throw auth.error;
  if (auth.kind === 'none') throw Errors.missingAuthenticationToken();
  return auth.sig;
}

/**
 * The role or user a session was issued for, found by its unique id: by the name it had then, or,
 * for a user renamed since (UpdateUser NewUserName, which keeps the unique id), by its new name.
 * Null once that principal is gone (deleted, or deleted and replaced by a namesake).
 */
export async function sessionSource(
  store: IamStore,
  session: Pick<SessionRecord, 'kind' | 'account' | 'sourceName' | 'sourceId'>,
): Promise<RoleRecord | UserRecord | null> {
  if (session.kind === 'AssumedRole') {
    const role = await store.get(session.account, 'role', session.sourceName);
    return role?.id === session.sourceId ? role : null;
  }
  const user = await store.get(session.account, 'user', session.sourceName);
  if (user?.id === session.sourceId) return user;
  const renamed = await store.renamedUser(session.account, session.sourceId);
  if (renamed === null) return null;
  const now = await store.get(session.account, 'user', renamed);
  return now?.id === session.sourceId ? now : null;
}

/**
 * Establishes who signed the request: finds the secret behind the access key id (a long-term key in
 * KV, or a live session in its Durable Object named by the MAC'd session token), then verifies the
 * signature with it. The errors are AWS's, in AWS's order: unknown key or token
 * (InvalidClientTokenId), expired session (ExpiredToken), then the signature itself.
 */
export async function authenticate(
  env: Env,
  store: IamStore,
  sig: SigV4Request,
  now: number,
): Promise<Caller> {
  const keys = await deriveKeys(env.SEAL_KEY);
  const akid = sig.accessKeyId;

  if (sig.securityToken !== undefined) {
    const claims = await openSessionToken(keys.mac, sig.securityToken);
    if (!claims || claims.accessKeyId !== akid) throw Errors.invalidClientTokenId();
    if (now >= claims.expiresAt) throw Errors.expiredToken();
    const found = await new SessionsClient(env.SESSIONS).get(claims, now);
    if (found.status === 'expired') throw Errors.expiredToken();
    if (found.status !== 'active' || found.session.accessKeyId !== akid) {
      throw Errors.invalidClientTokenId();
    }
    const session = found.session;
    const secret = await openSecret(keys.seal, session.sealedSecret, akid);
    await verifySigV4(sig, secret, new Date(now));
    const caller: Caller = {
      kind: session.kind,
      account: session.account,
      arn: session.arn,
      userId: session.userId,
      accessKeyId: akid,
      session,
    };
    // Sessions belong to the unique id, not the name: a role or user deleted after issuance leaves
    // its sessions with an identity but no permissions, even once a namesake is created.
    const source = await sessionSource(store, session);
    if (!source) caller.orphaned = true;
    else if (session.kind === 'AssumedRole') caller.role = source as RoleRecord;
    else {
      caller.user = source as UserRecord;
      // A GetSessionToken session is its user: renamed or moved since, it is the user's ARN now.
      if (session.kind === 'User') caller.arn = source.arn;
    }
    return caller;
  }

  if (akid.startsWith('ASIA')) throw Errors.invalidClientTokenId();
  const key = await store.getAccessKey(akid);
  if (!key || key.status !== 'Active') throw Errors.invalidClientTokenId();
  const user = await store.get(key.account, 'user', key.userName);
  if (!user) throw Errors.invalidClientTokenId();
  const secret = await openSecret(keys.seal, key.sealedSecret, akid);
  await verifySigV4(sig, secret, new Date(now));
  return {
    kind: 'User',
    account: key.account,
    arn: user.arn,
    userId: user.id,
    accessKeyId: akid,
    user,
  };
}
