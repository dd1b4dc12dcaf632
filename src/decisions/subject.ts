import { accountFromAccessKeyId } from '../auth/keys.ts';
import type { Env } from '../env.ts';
import { parsePrincipalArn } from '../iam/common/arns.ts';
import { SessionsClient } from '../sessions/client.ts';
import { sessionSource } from '../caller/authenticate.ts';
import type { SessionRecord } from '../sessions/types.ts';
import type { IamStore, RoleRecord, UserRecord } from '../store/types.ts';
import type { Subject } from './request.ts';

/**
 * The principal an evaluation is about, as stored: a user, a role, an account root, or the live
 * session or long-term key behind an access key id.
 */
export interface ResolvedSubject {
  account: string;
  /** The principal the evaluator decides for: user, role, root or session ARN. */
  principal: string;
  /**
   * The ARN `iam:SimulatePrincipalPolicy` is authorized on: the user or role itself, the user of
   * a long-term key, the role or user a session was issued for, or the account root.
   */
  entityArn: string;
  user?: UserRecord;
  role?: RoleRecord;
  session?: SessionRecord;
}

/** Why a subject cannot be evaluated; it becomes `context.error` (never a silent deny). */
export interface SubjectError {
  status: 400 | 401 | 403 | 404;
  message: string;
  /** The account the subject belongs to, when known (so authorization can answer 403 first). */
  account?: string;
  entityArn?: string;
}

export type Resolution =
  { ok: true; subject: ResolvedSubject } | { ok: false; error: SubjectError };

const ROOT = /^arn:aws:iam::(\d{12}):root$/;

/**
 * The account a subject's id itself names, when it names one: a user's, role's or root's ARN, or
 * a session key (its id encodes its account, and its session is looked up by it). Undefined when
 * only a read can tell (a long-term key id: seeded keys keep AWS's example ids) or the id is
 * malformed (answered 400 by resolveSubject).
 */
export function namedAccount(subject: Subject): string | undefined {
  if (subject.type === 'iam_principal') {
    const root = ROOT.exec(subject.id);
    if (root !== null) return root[1];
    const parsed = parsePrincipalArn(subject.id);
    return parsed !== null && parsed.type !== 'group' ? parsed.account : undefined;
  }
  if (!subject.id.startsWith('ASIA')) return undefined;
  return accountFromAccessKeyId(subject.id) ?? undefined;
}

/** Finds the subject in the store (and, for a session key, in the sessions' Durable Objects). */
export async function resolveSubject(
  env: Env,
  store: IamStore,
  subject: Subject,
  now: number,
): Promise<Resolution> {
  return subject.type === 'iam_principal'
    ? resolveArn(store, subject.id)
    : resolveAccessKey(env, store, subject.id, now);
}

async function resolveArn(store: IamStore, arn: string): Promise<Resolution> {
  const root = ROOT.exec(arn);
  if (root !== null) {
    const account = root[1]!;
    if ((await store.getAccount(account)) === null) {
      return fail(404, `The account ${account} does not exist here.`, account, arn);
    }
    return { ok: true, subject: { account, principal: arn, entityArn: arn } };
  }
  const parsed = parsePrincipalArn(arn);
  if (parsed === null || parsed.type === 'group') {
    return fail(
      400,
      `subject.id ${JSON.stringify(arn)} is not the ARN of an IAM user, role or account root (a group is not a principal).`,
    );
  }
  const record = await store.get(parsed.account, parsed.type, parsed.name);
  // The path is part of the ARN: a record of that name under another path is not this principal.
  if (record === null || record.arn !== arn) {
    return fail(
      404,
      `The ${parsed.type} with name ${parsed.name} cannot be found.`,
      parsed.account,
      arn,
    );
  }
  const subject: ResolvedSubject = { account: parsed.account, principal: arn, entityArn: arn };
  if (parsed.type === 'user') subject.user = record as UserRecord;
  else subject.role = record as RoleRecord;
  return { ok: true, subject };
}

async function resolveAccessKey(
  env: Env,
  store: IamStore,
  id: string,
  now: number,
): Promise<Resolution> {
  if (!/^(AKIA|ASIA)[A-Z2-7]{16}$/.test(id)) {
    return fail(
      400,
      `subject.id ${JSON.stringify(id)} is not an access key id (AKIA... or ASIA...).`,
    );
  }
  if (id.startsWith('AKIA')) {
    const key = await store.getAccessKey(id);
    if (key === null) {
      return fail(
        404,
        `The access key ${id} does not exist.`,
        accountFromAccessKeyId(id) ?? undefined,
      );
    }
    const user = await store.get(key.account, 'user', key.userName);
    if (user === null)
      return fail(404, `The user of access key ${id} no longer exists.`, key.account);
    if (key.status !== 'Active') {
      return fail(401, `The access key ${id} is inactive.`, key.account, user.arn);
    }
    return {
      ok: true,
      subject: { account: key.account, principal: user.arn, entityArn: user.arn, user },
    };
  }
  const account = accountFromAccessKeyId(id);
  if (account === null) return fail(404, `The session key ${id} is unknown.`);
  const found = await new SessionsClient(env.SESSIONS).getByAccessKey(account, id, now);
  if (found.status === 'expired') {
    return fail(401, `The session of access key ${id} has expired.`, account);
  }
  if (found.status !== 'active') {
    // Revoked sessions are deleted, as are expired ones once their alarm has run.
    return fail(
      401,
      `No live session has access key ${id}: it is unknown, expired or revoked.`,
      account,
    );
  }
  const session = found.session;
  const kind = session.kind === 'AssumedRole' ? 'role' : 'user';
  const source = await sessionSource(store, session);
  // Sessions belong to the unique id: a deleted (or deleted and recreated) role or user leaves its
  // sessions with no permissions, as authentication does (src/caller/authenticate.ts).
  if (source === null) {
    return fail(
      404,
      `The ${kind} ${session.sourceName} that session ${id} was issued for no longer exists.`,
      account,
      session.sourceArn,
    );
  }
  const subject: ResolvedSubject = {
    account,
    // A GetSessionToken session is its user, under the user's ARN now (renamed or moved since).
    principal: session.kind === 'User' ? source.arn : session.arn,
    entityArn: source.arn,
    session,
  };
  if (kind === 'role') subject.role = source as RoleRecord;
  else subject.user = source as UserRecord;
  return { ok: true, subject };
}

function fail(
  status: SubjectError['status'],
  message: string,
  account?: string,
  entityArn?: string,
): Resolution {
  const error: SubjectError = { status, message };
  if (account !== undefined) error.account = account;
  if (entityArn !== undefined) error.entityArn = entityArn;
  return { ok: false, error };
}
